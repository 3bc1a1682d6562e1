import { createMemoryState } from '@chat-adapter/state-memory';
import { type Adapter, Chat } from 'chat';
import { createWeChatOfficialAccountAdapter, createWeComAdapter } from '../src/index.js';
import {
  newEncodingAESKey,
  nextMsgId,
  officialAccountCallback,
  wecomCallback,
  xml,
} from '../test/wechat-events.js';
import { startWeChatStandIn } from '../test/wechat-stand-in.js';

// How long each webhook takes to answer a signed, encrypted message while every handler is still busy
// (its answer comes later), beside WeChat's 5 s deadline. Run: pnpm bench
const DELIVERIES = Number(process.env.BENCH_SAMPLES ?? 500);
const WARMUP = 50;
const DEADLINE_MS = 5000;
const WINDOW_DELIVERIES = 5;
const KEY = newEncodingAESKey();
const CORP = 'ww-bench';
const APP = 'wx-bench';

const standIn = await startWeChatStandIn({ id: CORP, secret: 'secret' });
let release!: () => void;
const busy = new Promise<void>((resolve) => {
  release = resolve;
});
const pending: Promise<unknown>[] = [];

async function botWith(adapter: Adapter) {
  const chat = new Chat({
    userName: 'bench',
    adapters: { bench: adapter },
    state: createMemoryState(),
    logger: 'silent',
  });
  chat.onDirectMessage(async () => {
    await busy;
  });
  await chat.initialize();
  return chat;
}

function wecomRequest(i: number): Request {
  const packet = xml({
    ToUserName: CORP,
    FromUserName: `user${i}`,
    CreateTime: 1,
    MsgType: 'text',
    Content: 'hello',
    MsgId: nextMsgId(),
    AgentID: 1,
  });
  return wecomCallback('http://bench/wecom', packet, {
    token: 'token',
    encodingAESKey: KEY,
    corpId: CORP,
    agentId: 1,
  });
}

function accountRequest(i: number): Request {
  const packet = xml({
    ToUserName: 'gh_bench',
    FromUserName: `open${i}`,
    CreateTime: 1,
    MsgType: 'text',
    Content: 'hello',
    MsgId: nextMsgId(),
  });
  return officialAccountCallback('http://bench/wechat', packet, {
    token: 'token',
    encodingAESKey: KEY,
    appId: APP,
    account: 'gh_bench',
  });
}

async function timed(chat: Chat, request: Request): Promise<number> {
  const started = performance.now();
  const response = await (chat.webhooks as Record<string, Chat['webhooks'][string]>).bench?.(request, {
    waitUntil: (task) => pending.push(task),
  });
  if (response?.status !== 200) throw new Error(`answered ${response?.status}`);
  return performance.now() - started;
}

async function sequence(chat: Chat, request: (i: number) => Request): Promise<number[]> {
  const durations: number[] = [];
  for (let i = -WARMUP; i < DELIVERIES; i++) {
    const elapsed = await timed(chat, request(i + WARMUP));
    if (i >= 0) durations.push(elapsed);
  }
  return durations;
}

function line(label: string, durations: number[]): string {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (q: number) =>
    (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(2);
  return `  ${label.padEnd(44)} p50 ${at(0.5).padStart(8)} ms   p99 ${at(0.99).padStart(8)} ms   max ${at(1).padStart(8)} ms`;
}

const common = { apiBaseUrl: standIn.url, name: 'bench' };
const wecom = await botWith(
  createWeComAdapter({
    ...common,
    corpId: CORP,
    agentId: 1,
    secret: 'secret',
    token: 'token',
    encodingAESKey: KEY,
  }),
);
const account = (window: number) =>
  botWith(
    createWeChatOfficialAccountAdapter({
      ...common,
      appId: APP,
      appSecret: 'secret',
      token: 'token',
      encodingAESKey: KEY,
      passiveReplyWindowMs: window,
    }),
  );
const customerService = await account(0);
const passive = await account(4000);

const rows = [
  line(`WeCom, ${DELIVERIES} deliveries`, await sequence(wecom, wecomRequest)),
  line(
    `Official Account, window 0, ${DELIVERIES} deliveries`,
    await sequence(customerService, accountRequest),
  ),
  // With the default window the answer is waited for, up to 4 s, by design: a few deliveries at once show it.
  line(
    `Official Account, window 4000 ms, ${WINDOW_DELIVERIES} at once`,
    await Promise.all(
      Array.from({ length: WINDOW_DELIVERIES }, (_, i) => timed(passive, accountRequest(10_000 + i))),
    ),
  ),
];
release();
await Promise.allSettled(pending);
for (const chat of [wecom, customerService, passive]) await chat.shutdown();
await standIn.close();

console.log(
  `WeChat webhook answer time (verify, decrypt, claim), handlers still busy; deadline ${DEADLINE_MS} ms:`,
);
for (const row of rows) console.log(row);
