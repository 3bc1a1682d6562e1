import type { AddressInfo } from 'node:net';
import { replies } from '@claude-code-server/fake-anthropic';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClaudeCodeServer, InvalidServerOptionsError } from '../src/index.js';
import { type ServerHarness, startServerHarness } from './harness.js';
import { parseSse, postStream } from './sse-client.js';

const KEY = 'metrics-test-api-key-0123';
const TOKEN = 'metrics-scrape-token-0123';

let h: ServerHarness;
let server: ClaudeCodeServer;
let url: string;

beforeAll(async () => {
  h = await startServerHarness();
  server = await h.server({
    auth: { keys: [{ name: 'web', key: KEY }] },
    metrics: { enabled: true, token: TOKEN },
  });
  const listening = await server.listen(0);
  url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h?.close();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        labels[key as string] = value as string;
      }
      return { name: match[1] as string, labels, value: Number(match[3]) };
    });
}

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const res = await request(server.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return { text: res.text, samples: parse(res.text) };
}

/** The value of the series with this name and these labels (0 when it has no sample yet). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.find(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted),
  );
  return found?.value ?? 0;
}

const chat = (body: object) => request(server.app).post('/chat').set('X-API-Key', KEY).send(body);

describe('GET /metrics', () => {
  it('is not served unless enabled', async () => {
    const plain = await h.server({});
    const res = await request(plain.app).get('/metrics');
    expect(res.status).toBe(404);
  });

  it('needs its own token: none, a wrong one or an API key answer 401', async () => {
    expect((await request(server.app).get('/metrics')).status).toBe(401);
    const wrong = await request(server.app)
      .get('/metrics')
      .set('Authorization', 'Bearer not-the-token-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('UNAUTHORIZED');
    expect((await request(server.app).get('/metrics').set('Authorization', `Bearer ${KEY}`)).status).toBe(
      401,
    );
  });

  it('refuses metrics.enabled without a token or public: true, naming the key', async () => {
    await expect(h.server({ metrics: { enabled: true } })).rejects.toMatchObject({
      constructor: InvalidServerOptionsError,
      path: 'metrics.token',
    });
    const open = await h.server({ metrics: { enabled: true, public: true } });
    expect((await request(open.app).get('/metrics')).status).toBe(200);
  });

  it('moves as turns happen: turns, latency, tokens and cost by tenant, pool, memory, HTTP and store', async () => {
    const before = (await scrape()).samples;
    const answered = await chat({ message: 'My name is Zebediah', user_id: 'user-zeb-7' });
    expect(answered.status).toBe(200);
    const { text, samples: after } = await scrape();
    const moved = (name: string, labels?: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);

    expect(moved('ccs_turns_total', { outcome: 'success', error_code: 'none' })).toBe(1);
    expect(moved('ccs_turn_duration_seconds_count', { outcome: 'success' })).toBe(1);
    expect(moved('ccs_turn_queue_wait_seconds_count')).toBe(1);
    const usage = answered.body.metadata.usage;
    expect(moved('ccs_tokens_total', { tenant: 'web', kind: 'output' })).toBe(usage.output_tokens);
    expect(moved('ccs_tokens_total', { tenant: 'web', kind: 'input' })).toBe(usage.input_tokens);
    expect(moved('ccs_cost_usd_total', { tenant: 'web' })).toBeCloseTo(answered.body.metadata.cost_usd, 9);
    expect(moved('ccs_http_requests_total', { method: 'POST', route: '/chat', status: '200' })).toBe(1);
    expect(moved('ccs_store_operation_duration_seconds_count', { operation: 'appendMessage' })).toBe(2);
    expect(value(after, 'ccs_pool_processes_spawned_total')).toBeGreaterThan(0);
    expect(value(after, 'ccs_pool_live_processes')).toBeGreaterThan(0);
    expect(value(after, 'ccs_pool_idle_sessions')).toBeGreaterThan(0);
    expect(value(after, 'ccs_cli_resident_memory_bytes')).toBeGreaterThan(0);
    expect(value(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Tenants are key names: the key itself, the user and the message never appear.
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('Zebediah');
    expect(text).not.toContain('user-zeb-7');
  });

  it('counts a failed turn by its code, a streamed turn’s first delta, and a refused request by route', async () => {
    const before = (await scrape()).samples;
    h.fake.enqueue(replies.error(400, { message: 'prompt is too long' }));
    expect((await chat({ message: 'Too much', user_id: 'ned' })).status).toBe(502);
    const res = await postStream(
      `${url}/chat/stream`,
      { message: 'Count', user_id: 'ned' },
      { headers: { 'X-API-Key': KEY } },
    );
    for await (const _message of parseSse(res.body as ReadableStream<Uint8Array>)) {
      // read to the end
    }
    expect((await request(server.app).get('/session/nope/history')).status).toBe(401);
    const after = (await scrape()).samples;
    const moved = (name: string, labels?: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);
    expect(moved('ccs_turns_total', { outcome: 'failed', error_code: 'API_ERROR' })).toBe(1);
    expect(moved('ccs_turn_first_delta_seconds_count')).toBe(1);
    expect(moved('ccs_http_requests_total', { route: '/session/{session_id}/history', status: '401' })).toBe(
      1,
    );
  });
});
