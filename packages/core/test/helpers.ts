import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CliTestEnv, findProcessesByEnv } from '../src/testing/index.js';

/** Wait until `condition` holds (checked every 50 ms), failing after `limitMs`. */
export async function waitUntil(condition: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Live processes of a test env: the CLI and everything it ran inherit its config dir. */
export function processesOf(env: CliTestEnv): number[] {
  return findProcessesByEnv('CLAUDE_CONFIG_DIR', env.configDir);
}

/** The command name of a process (`sleep`, `bash`...), or undefined once it is gone. */
export function commandNameOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The argv of a running process. */
export function commandLineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}

/**
 * A pass-through proxy in front of the fake API that notes which of `markers` it has forwarded to
 * the CLI so far: a test can see how much the server had sent when an event reached the caller.
 */
export async function startCountingProxy(targetUrl: string, markers: string[]) {
  const target = new URL(targetUrl);
  let forwarded = '';
  const server = createServer((req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.on('data', (chunk: Buffer) => {
          forwarded += chunk.toString('utf8');
          res.write(chunk);
        });
        upstreamRes.on('end', () => res.end());
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** How many of the markers have gone through to the CLI. */
    markersForwarded: () => markers.filter((marker) => forwarded.includes(JSON.stringify(marker))).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The error `promise` rejects with; fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
