import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppFixture, createAppFixture } from '../test/fixtures.js';
import { type StartedServer, startServer } from '../test/run-cli.js';

let fx: AppFixture;
const running: StartedServer[] = [];

beforeAll(async () => {
  fx = await createAppFixture('console');
});
afterAll(async () => {
  for (const server of running) server.child.kill('SIGKILL');
  await fx?.close();
});

async function start(consoleSection: string[]): Promise<StartedServer> {
  const config = fx.writeConfig(
    `console-${running.length}.yaml`,
    ['server:', '  port: 0', 'store:', '  type: memory', ...consoleSection, ''].join('\n'),
  );
  const server = await startServer(['--config', config], { env: fx.env, cwd: fx.dir });
  running.push(server);
  return server;
}

describe('the web console', () => {
  it('is served at /console by default, beside the API, and named in the start log', async () => {
    const server = await start([]);
    const page = await fetch(`${server.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<div id="root">');
    const deepLink = await fetch(`${server.url}/console/tasks`, { headers: { Accept: 'text/html' } });
    expect(await deepLink.text()).toContain('<div id="root">');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(server.output.stdout).toContain(`"console":"${server.url}/console/"`);
  });

  it('is off with console.enabled: false', async () => {
    const server = await start(['console:', '  enabled: false']);
    const page = await fetch(`${server.url}/console/`);
    expect(page.status).toBe(404);
    expect(((await page.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('refuses a console section it does not know, naming the key', async () => {
    const config = fx.writeConfig('console-bad.yaml', ['console:', '  enable: yes', ''].join('\n'));
    await expect(startServer(['--config', config], { env: fx.env, cwd: fx.dir })).rejects.toThrow(
      'console.enable: is not a known key',
    );
  });
});
