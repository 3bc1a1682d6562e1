import type { Server } from 'node:http';
import type { ClaudeCodeServer } from '@claude-code-server/server';
import type { SessionStore } from '@claude-code-server/store';
import type { Logger } from 'pino';

export interface ShutdownParts {
  http: Server;
  server: ClaudeCodeServer;
  store: SessionStore;
  logger: Logger;
  deadlineMs: number;
}

/**
 * The server stops accepting connections, lets running turns finish up to the deadline, interrupts
 * the rest and closes its CLI processes and connections; then the store is closed.
 */
export async function shutDown(parts: ShutdownParts, reason: string): Promise<void> {
  const { http, server, store, logger, deadlineMs } = parts;
  logger.info(
    { reason, deadline_ms: deadlineMs },
    'shutting down: no new connections, running turns may finish',
  );
  const closed = http.listening
    ? new Promise<void>((resolve) => http.once('close', () => resolve()))
    : undefined;
  try {
    await server.shutdown({ deadlineMs });
  } catch (error) {
    logger.error({ err: error }, 'the server did not shut down cleanly');
    http.closeAllConnections();
  }
  await closed;
  try {
    await store.close();
  } catch (error) {
    logger.error({ err: error }, 'the store did not close cleanly');
  }
  logger.info('stopped');
}
