import type { RequestListener } from 'node:http';
import type { SessionStore } from '@claude-code-server/store';
import type { Logger } from 'pino';
import type { ServerSection } from '../config/server-section.js';

/** What `createServer` gives back: the app to listen with, and its graceful shutdown. */
export interface ServerHandle {
  app: RequestListener;
  shutdown(options: { deadlineMs: number }): Promise<void>;
}

/** Builds the HTTP app from the validated config section, the store and the logger. */
export async function buildServer(
  section: ServerSection,
  store: SessionStore,
  logger: Logger,
): Promise<ServerHandle> {
  const server = (await import('@claude-code-server/server')) as unknown as {
    createServer(options: Record<string, unknown>): Promise<ServerHandle>;
  };
  return server.createServer({ ...section, store, logger });
}
