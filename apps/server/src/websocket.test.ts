import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type AppFixture, createAppFixture } from '../test/fixtures.js';
import { type StartedServer, startServer } from '../test/run-cli.js';

let fx: AppFixture;
let server: StartedServer | undefined;

beforeAll(async () => {
  fx = await createAppFixture('websocket');
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await fx?.close();
});

describe('claude-code-server start: GET /ws', () => {
  it('serves turns over a WebSocket on the same port as the HTTP API', async () => {
    const config = fx.writeConfig(
      'ws.yaml',
      [
        'server:',
        '  port: 0',
        'store:',
        '  type: memory',
        'projects:',
        '  app:',
        '    path: ./project',
        '',
      ].join('\n'),
    );
    server = await startServer(['--config', config], { env: fx.env, cwd: fx.dir });
    fx.fake.enqueue(replies.text('hello from the command'));
    const frames: Array<Record<string, unknown>> = [];
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        frames.push(frame);
        // auth: none, so the connection is ready at once.
        if (frame.type === 'ready')
          ws.send(JSON.stringify({ type: 'message', turn_id: 't', message: 'hi', user_id: 'u1' }));
        if (frame.event === 'done' || frame.event === 'error') resolve();
      });
    });
    ws.close();
    expect(frames[0]).toMatchObject({ type: 'ready', tenant: 'anonymous' });
    expect(frames.at(-1)).toMatchObject({
      type: 'event',
      turn_id: 't',
      event: 'done',
      data: { content: 'hello from the command', success: true },
    });
  });
});
