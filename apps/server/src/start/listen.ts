import { createServer, type RequestListener, type Server } from 'node:http';
import { AppError } from '../errors.js';

/** Starts an HTTP server for `app` on host:port; LISTEN_FAILED says why it could not. */
export function listen(app: RequestListener, host: string, port: number): Promise<Server> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      const why =
        error.code === 'EADDRINUSE'
          ? `${where} is already in use; stop the other process or choose another port (--port, CCS_PORT or server.port)`
          : error.code === 'EACCES'
            ? `no permission to listen on ${where}; use a port above 1023 or run with the needed rights`
            : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
              ? `${host} is not an address of this machine; check --host, CCS_HOST or server.host`
              : `cannot listen on ${where}: ${error.message}`;
      reject(new AppError('LISTEN_FAILED', why, { cause: error }));
    });
    server.listen(port, host, () => resolve(server));
  });
}

/** The URL clients use to reach `server`. */
export function serverUrl(server: Server): string {
  const address = server.address();
  if (address === null || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
