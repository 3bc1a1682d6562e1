import type { Server } from 'node:http';
import type { SessionStore } from '@claude-code-server/store';
import type { Logger } from 'pino';
import type { ServerHandle } from './server-factory.js';

// After the turns are settled, responses still open (an SSE stream a client keeps) get this long to end.
const CONNECTION_GRACE_MS = 2_000;

export interface ShutdownParts {
  http: Server;
  server: ServerHandle;
  store: SessionStore;
  logger: Logger;
  deadlineMs: number;
}

/**
 * Stops accepting connections, lets running turns finish up to the deadline (then interrupts them),
 * closes the CLI processes, the remaining connections and the store.
 */
export async function shutDown(parts: ShutdownParts, reason: string): Promise<void> {
  const { http, server, store, logger, deadlineMs } = parts;
  logger.info(
    { reason, deadline_ms: deadlineMs },
    'shutting down: no new connections, running turns may finish',
  );
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  http.closeIdleConnections();
  try {
    await server.shutdown({ deadlineMs });
  } catch (error) {
    logger.error({ err: error }, 'the server did not shut down cleanly');
  }
  const grace = setTimeout(() => http.closeAllConnections(), CONNECTION_GRACE_MS);
  await closed;
  clearTimeout(grace);
  try {
    await store.close();
  } catch (error) {
    logger.error({ err: error }, 'the store did not close cleanly');
  }
  logger.info('stopped');
}
