import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { replies } from '@claude-code-server/fake-anthropic';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ClientHarness, KEYS, startClientHarness } from './harness.js';

/** Debian's chromium: the test never downloads a browser. */
const CHROMIUM_PATH = '/usr/bin/chromium';

let h: ClientHarness;
let pages: Server;
let pageUrl: string;
let apiUrl: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}; install it with: apt-get update && apt-get install -y chromium`,
    );
  }
  const bundle = await build({
    absWorkingDir: new URL('..', import.meta.url).pathname,
    entryPoints: ['test/browser-page.ts'],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  // The page comes from another origin than the API, as a web app's would: CORS is part of the test.
  pages = createServer((req, res) => {
    if (req.url === '/client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/client.js"></script>');
    }
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  h = await startClientHarness();
  ({ url: apiUrl } = await h.server({ cors: { origins: [pageUrl] } }));
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pages?.close(resolve));
  await h?.close();
});

it('works in a real browser: chat, the stream, a typed error, the WebSocket', async () => {
  h.fake.enqueue(
    replies.text('Hello, browser.'),
    replies.text('one two three'),
    replies.text('Socket answer.'),
  );
  const page = await browser.newPage();
  await page.goto(pageUrl);
  await page.waitForFunction(() => 'runClient' in globalThis);
  const result = await page.evaluate(
    ([baseUrl, apiKey]) =>
      (globalThis as unknown as { runClient(baseUrl: string, apiKey: string): Promise<unknown> }).runClient(
        baseUrl as string,
        apiKey as string,
      ),
    [apiUrl, KEYS.alice],
  );
  expect(result).toEqual({
    answer: 'Hello, browser.',
    streamed: expect.arrayContaining(['session', 'init', 'delta', 'done']),
    text: 'one two three',
    wrong: { isAuthenticationError: true, code: 'UNAUTHORIZED', status: 401 },
    socketAnswer: 'Socket answer.',
  });
  await page.close();
});
