import { once } from 'node:events';
import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import express, { type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { SseWriter } from './sse-writer.js';

const TEXT = 'x'.repeat(1024);
const EVENT_BYTES = Buffer.byteLength(
  `id: 100000\nevent: delta\ndata: ${JSON.stringify({ text: TEXT })}\n\n`,
);

interface Pumped {
  events: number;
  sent: number;
  maxBuffered: number;
  overflowAt: number | undefined;
  res: Response;
}

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

/**
 * A server whose one stream sends `total` bytes of delta events as fast as the event loop allows,
 * `perTick` events at a time (as CLI output arrives), and reports what it saw when it stops.
 */
async function pumpingServer(options: { bufferLimit: number; total: number; perTick: number }) {
  let report!: (pumped: Pumped) => void;
  const finished = new Promise<Pumped>((resolve) => {
    report = resolve;
  });
  const app = express();
  app.get('/stream', (_req, res) => {
    const pumped: Pumped = { events: 0, sent: 0, maxBuffered: 0, overflowAt: undefined, res };
    const sse = new SseWriter(res, {
      heartbeatMs: 60_000,
      bufferLimit: options.bufferLimit,
      onOverflow: (bytes) => {
        pumped.overflowAt = bytes;
      },
    });
    sse.open();
    const pump = () => {
      for (let i = 0; i < options.perTick && !sse.closed; i++) {
        sse.send('delta', { text: TEXT });
        pumped.events += 1;
        pumped.sent += EVENT_BYTES;
        if (!res.destroyed) pumped.maxBuffered = Math.max(pumped.maxBuffered, res.writableLength);
      }
      if (!sse.closed && pumped.sent < options.total) return setImmediate(pump);
      sse.end();
      report(pumped);
    };
    pump();
  });
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, finished };
}

describe('SseWriter backpressure', () => {
  it('closes the stream of a client that stops reading once the unsent bytes pass the limit', async () => {
    const bufferLimit = 256 * 1024;
    const total = 64 * 1024 * 1024;
    const { port, finished } = await pumpingServer({ bufferLimit, total, perTick: 16 });
    // A raw client that reads the headers and then stops reading.
    const socket = connect(port, '127.0.0.1');
    socket.write('GET /stream HTTP/1.1\r\nHost: test\r\n\r\n');
    socket.once('data', () => socket.pause());

    const pumped = await finished;
    socket.destroy();
    expect(pumped.overflowAt).toBeGreaterThan(bufferLimit);
    // What the server held never grew past the limit by more than the event that crossed it.
    expect(pumped.maxBuffered).toBeLessThanOrEqual(bufferLimit + EVENT_BYTES);
    expect(pumped.overflowAt).toBeLessThanOrEqual(bufferLimit + EVENT_BYTES);
    // The stream stopped after the kernel's socket buffers and the limit filled, long before the end.
    expect(pumped.sent).toBeLessThan(total / 2);
    expect(pumped.res.destroyed).toBe(true);
  });

  it('a client that reads gets every event, more than the limit in all', async () => {
    const total = 8 * 1024 * 1024;
    const { port, finished } = await pumpingServer({ bufferLimit: 1024 * 1024, total, perTick: 16 });
    let received = '';
    await new Promise<void>((resolve, reject) => {
      get({ port, host: '127.0.0.1', path: '/stream' }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received += chunk;
        });
        res.on('end', resolve);
        res.on('error', reject);
      }).on('error', reject);
    });
    const pumped = await finished;
    expect(pumped.overflowAt).toBeUndefined();
    const events = received.split('\n\n').filter((block) => block.includes('event: delta'));
    expect(pumped.sent).toBeGreaterThanOrEqual(total);
    expect(events).toHaveLength(pumped.events);
    expect(pumped.res.writableFinished).toBe(true);
  });

  it('sends a keep-alive comment when nothing else was sent for heartbeatMs', async () => {
    const app = express();
    app.get('/idle', (_req, res) => {
      const sse = new SseWriter(res, { heartbeatMs: 50, bufferLimit: 1024 });
      sse.open();
      setTimeout(() => sse.end(), 180);
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const text = await (await fetch(`http://127.0.0.1:${port}/idle`)).text();
    expect(text).toMatch(/^(: keep-alive\n\n){2,}$/);
  });
});
