import type { Server } from 'node:http';
import type { JobQueue } from '@claude-code-server/jobs';
import {
  type ApprovalHandOff,
  type ClaudeCodeServer,
  createServer,
  type SharedRateLimits,
} from '@claude-code-server/server';
import type { SessionStore } from '@claude-code-server/store';
import type { Logger } from 'pino';
import type { ServerSection } from '../config/server-section.js';
import { AppError } from '../errors.js';

/**
 * Builds the HTTP server from the validated config section, the store, the logger and the task
 * queue, approvals hand-off and shared rate limits (undefined: the in-process ones). The server closes the queue at
 * shutdown; the hand-off is the caller's to close.
 */
export function buildServer(
  section: ServerSection,
  store: SessionStore,
  logger: Logger,
  taskQueue?: JobQueue,
  approvals?: ApprovalHandOff,
  rateLimits?: SharedRateLimits,
): Promise<ClaudeCodeServer> {
  return createServer({
    ...section,
    store,
    logger,
    ...(taskQueue ? { taskQueue } : {}),
    ...(approvals ? { approvals } : {}),
    ...(rateLimits ? { rateLimits } : {}),
  });
}

/** Listens on host:port; LISTEN_FAILED says why it could not, and what to change. */
export async function listen(server: ClaudeCodeServer, host: string, port: number): Promise<Server> {
  try {
    return await server.listen(port, host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${host}:${port}`;
    const why =
      code === 'EADDRINUSE'
        ? `${where} is already in use; stop the other process or choose another port (--port, CCS_PORT or server.port)`
        : code === 'EACCES'
          ? `no permission to listen on ${where}; use a port above 1023 or run with the needed rights`
          : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
            ? `${host} is not an address of this machine; check --host, CCS_HOST or server.host`
            : `cannot listen on ${where}: ${(error as Error).message}`;
    throw new AppError('LISTEN_FAILED', why, { cause: error });
  }
}
