import { connect } from 'node:net';

const DEFAULT_PORTS: Record<string, number> = {
  'redis:': 6379,
  'rediss:': 6379,
  'postgres:': 5432,
  'postgresql:': 5432,
};

/** host:port of a redis:// or postgres:// URL, or undefined (a socket path, or not a URL). */
export function tcpAddressOf(url: string): { host: string; port: number } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!host || port === undefined) return undefined;
  return { host, port };
}

/**
 * Opens and closes one TCP connection; rejects with a plain reason ("connection refused") so a
 * server that is down is told apart from one that refuses our credentials.
 */
export function probeTcp(host: string, port: number, timeoutMs = 3_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () =>
      done(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)),
    );
    socket.once('connect', () => done());
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'ECONNREFUSED'
          ? 'connection refused (nothing listens there)'
          : error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN'
            ? `the host name ${host} does not resolve`
            : error.message;
      done(new Error(`cannot connect to ${host}:${port}: ${reason}`));
    });
  });
}
