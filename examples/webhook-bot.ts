/**
 * A generic signed-webhook bot on ClaudeAgent: a platform POSTs a user's message, signed with a shared
 * secret; the bot checks the signature (HMAC-SHA256 over the timestamp and the raw body, compared in
 * constant time, within a 5-minute window), answers on the user's own conversation, and either returns
 * the reply or, when the platform gives a callback URL, acknowledges at once and posts the reply there,
 * signed the same way.
 *
 * The program also plays the platform (a local stand-in that signs, sends and receives callbacks), so
 * it runs on its own. Against a local fake Messages API by default (on a free port, or FAKE_PORT); with
 * ANTHROPIC_API_KEY set (and FAKE unset) against the real Anthropic API with your own account.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClaudeAgent } from '@claude-code-server/agent';
import { rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { createSqliteSessionStore } from '@claude-code-server/store-sqlite';
import { z } from 'zod';

const useRealAccount = Boolean(process.env.ANTHROPIC_API_KEY) && !process.env.FAKE;

/** Signatures older or newer than this are refused, so a captured request cannot be replayed later. */
const SIGNATURE_WINDOW_S = 5 * 60;
const MAX_BODY_BYTES = 64 * 1024;

/** `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<raw body>"). */
function sign(secret: string, timestamp: string, rawBody: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

/** Checks a delivery's signature and timestamp; the reason when it must be refused. */
function verify(
  secret: string,
  headers: IncomingMessage['headers'],
  rawBody: Buffer,
  nowS: number,
): string | undefined {
  const timestamp = headers['x-webhook-timestamp'];
  const signature = headers['x-webhook-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return 'missing signature headers';
  if (!/^\d+$/.test(timestamp) || Math.abs(nowS - Number(timestamp)) > SIGNATURE_WINDOW_S) {
    return 'timestamp outside the 5-minute window';
  }
  const expected = Buffer.from(sign(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  // Constant time: how much of a guess matched must not show in how long the answer takes.
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'bad signature';
}

const deliverySchema = z.strictObject({
  user_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64'),
  user_name: z.string().max(100).optional(),
  text: z.string().min(1).max(8_000),
  callback_url: z.url().optional(),
});

async function readRawBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

interface BotOptions {
  agent: ClaudeAgent;
  secret: string;
  /** Origins a callback may be posted to (anything else is refused: the bot must not call arbitrary URLs). */
  callbackOrigins: string[];
}

/** The bot's HTTP handler: POST /webhook. */
function createWebhookBot({ agent, secret, callbackOrigins }: BotOptions): Server {
  async function answer(userId: string, userName: string | undefined, text: string): Promise<string> {
    try {
      const meta = { platform: 'webhook', ...(userName ? { userName } : {}) };
      const response = await agent.chat(text, { userId, meta });
      return response.content;
    } catch (error) {
      // The user gets a short message; the details stay in the bot's log.
      console.error(`bot: turn failed for ${userId}:`, (error as Error).message);
      return 'Sorry, something went wrong. Please try again.';
    }
  }

  async function postCallback(url: string, body: Record<string, unknown>): Promise<void> {
    const raw = Buffer.from(JSON.stringify(body));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-timestamp': timestamp,
        'x-webhook-signature': sign(secret, timestamp, raw),
      },
      body: raw,
    });
    if (!response.ok) console.error(`bot: callback answered ${response.status}`);
  }

  return createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/webhook') return reply(res, 404, { error: 'not found' });
    const raw = await readRawBody(req);
    if (!raw) return reply(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
    // The signature covers the bytes as they came; parse only what was verified.
    const refused = verify(secret, req.headers, raw, Math.floor(Date.now() / 1000));
    if (refused) return reply(res, 401, { error: refused });
    let delivery: z.infer<typeof deliverySchema>;
    try {
      delivery = deliverySchema.parse(JSON.parse(raw.toString('utf8')));
    } catch (error) {
      const issue = error instanceof z.ZodError ? error.issues[0] : undefined;
      return reply(res, 400, {
        error: issue ? `${issue.path.join('.')}: ${issue.message}` : 'body is not JSON',
      });
    }
    const { user_id: userId, user_name: userName, text, callback_url: callbackUrl } = delivery;
    if (callbackUrl === undefined) {
      return reply(res, 200, { reply: await answer(userId, userName, text) });
    }
    if (!callbackOrigins.includes(new URL(callbackUrl).origin)) {
      return reply(res, 400, { error: 'callback_url: origin not allowed' });
    }
    // Acknowledge now (platforms give up after a few seconds); the answer follows on the callback.
    reply(res, 202, { accepted: true });
    const answered = await answer(userId, userName, text);
    await postCallback(callbackUrl, { user_id: userId, reply: answered }).catch((error: Error) =>
      console.error(`bot: callback failed: ${error.message}`),
    );
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// --- The platform's side, played here: it signs deliveries and receives the callbacks. ---

const secret = randomBytes(32).toString('hex');
const workDir = await mkdtemp(join(tmpdir(), 'webhook-bot-example-'));
const fake = useRealAccount
  ? undefined
  : await startFakeAnthropic({ port: Number(process.env.FAKE_PORT ?? 0) });
fake?.addRule(rules.memory);
console.log(useRealAccount ? 'Using the real Anthropic API.' : `Using fake-anthropic at ${fake?.url}.`);

const store = createSqliteSessionStore({ path: join(workDir, 'sessions.db') });
const agent = new ClaudeAgent({
  store,
  config: {
    configDir: join(workDir, 'claude-config'),
    cwd: workDir,
    tools: [], // a chat bot: no tools at all
    env: fake
      ? {
          ANTHROPIC_BASE_URL: fake.url,
          ANTHROPIC_API_KEY: 'test-key',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        }
      : {},
  },
});

let gotCallback!: (body: { user_id: string; reply: string }) => void;
const callbackArrived = new Promise<{ user_id: string; reply: string }>((resolve) => {
  gotCallback = resolve;
});
const platform = createServer(async (req, res) => {
  const raw = (await readRawBody(req)) ?? Buffer.alloc(0);
  const refused = verify(secret, req.headers, raw, Math.floor(Date.now() / 1000));
  console.log(`platform: callback received (${refused ?? 'signature ok'})`);
  res.writeHead(refused ? 401 : 204).end();
  if (!refused) gotCallback(JSON.parse(raw.toString('utf8')));
});
const platformUrl = await listen(platform);
const bot = createWebhookBot({ agent, secret, callbackOrigins: [platformUrl] });
const botUrl = await listen(bot);

/** Sends one delivery as the platform would; `tamper` changes the body after signing. */
async function deliver(body: Record<string, unknown>, options: { tamper?: boolean; ageS?: number } = {}) {
  const raw = Buffer.from(JSON.stringify(body));
  const timestamp = String(Math.floor(Date.now() / 1000) - (options.ageS ?? 0));
  const sent = options.tamper ? Buffer.from(JSON.stringify({ ...body, user_id: 'admin' })) : raw;
  const response = await fetch(`${botUrl}/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-webhook-timestamp': timestamp,
      'x-webhook-signature': sign(secret, timestamp, raw),
    },
    body: sent,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

try {
  const tampered = await deliver({ user_id: 'U1', text: 'My name is Mallory.' }, { tamper: true });
  console.log(`tampered body -> ${tampered.status} ${tampered.body.error}`);
  const replayed = await deliver({ user_id: 'U1', text: 'My name is Mallory.' }, { ageS: 10 * 60 });
  console.log(`ten-minute-old delivery -> ${replayed.status} ${replayed.body.error}`);
  if (fake) console.log(`model calls after the refused deliveries: ${fake.conversationRequests().length}`);

  const first = await deliver({ user_id: 'U1', user_name: 'Ada', text: 'My name is Ada.' });
  console.log(`Ada -> ${first.status} ${first.body.reply}`);
  const other = await deliver({ user_id: 'U2', user_name: 'Bob', text: 'What is my name?' });
  console.log(`Bob -> ${other.status} ${other.body.reply}`);

  const accepted = await deliver({
    user_id: 'U1',
    text: 'What is my name?',
    callback_url: `${platformUrl}/replies`,
  });
  console.log(`Ada (with a callback) -> ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const callback = await callbackArrived;
  console.log(`callback for ${callback.user_id}: ${callback.reply}`);
  const elsewhere = await deliver({
    user_id: 'U1',
    text: 'hi',
    callback_url: 'http://169.254.169.254/latest',
  });
  console.log(`callback to another origin -> ${elsewhere.status} ${elsewhere.body.error}`);
} finally {
  bot.close();
  platform.close();
  await agent.close();
  await store.close();
  await fake?.close();
  await rm(workDir, { recursive: true, force: true });
}
