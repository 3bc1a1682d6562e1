import { createMemoryState } from '@chat-adapter/state-memory';
import { Chat } from 'chat';
import { createLarkAdapter } from '../src/index.js';
import { eventV2, larkDelivery, textMessageEvent } from '../test/lark-events.js';
import { startLarkStandIn } from '../test/lark-stand-in.js';

// How long the webhook takes to acknowledge a signed, encrypted im.message.receive_v1 delivery while every
// handler is still busy (its answer comes later), beside Lark's 3 s deadline. Run: pnpm bench
const DELIVERIES = Number(process.env.BENCH_SAMPLES ?? 500);
const WARMUP = 50;
const DEADLINE_MS = 3000;
const APP = { appId: 'cli_bench', appSecret: 'secret', botOpenId: 'ou_bot' };
const KEYS = { encryptKey: 'bench-encrypt-key' };

const standIn = await startLarkStandIn(APP);
const adapter = createLarkAdapter({ ...APP, ...KEYS, verificationToken: 'token', apiBaseUrl: standIn.url });
const chat = new Chat({
  userName: 'bench',
  adapters: { lark: adapter },
  state: createMemoryState(),
  logger: 'silent',
});
let release!: () => void;
const busy = new Promise<void>((resolve) => {
  release = resolve;
});
chat.onDirectMessage(async () => {
  await busy;
});
await chat.initialize();

const pending: Promise<unknown>[] = [];
const durations: number[] = [];
for (let i = -WARMUP; i < DELIVERIES; i++) {
  const event = textMessageEvent({
    chatId: `oc_${i}`,
    chatType: 'p2p',
    senderOpenId: `ou_${i}`,
    text: 'hello',
  });
  const request = larkDelivery(eventV2('im.message.receive_v1', event, 'token'), KEYS);
  const started = performance.now();
  const response = await chat.webhooks.lark(request, { waitUntil: (task) => pending.push(task) });
  const elapsed = performance.now() - started;
  if (response.status !== 200) throw new Error(`delivery ${i} answered ${response.status}`);
  if (i >= 0) durations.push(elapsed);
}
release();
await Promise.allSettled(pending);
await chat.shutdown();
await standIn.close();

durations.sort((a, b) => a - b);
const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? 0;
console.log(
  `Lark webhook acknowledgement, ${DELIVERIES} deliveries (verify, decrypt, claim), handlers still busy:`,
);
console.log(
  `  p50 ${at(0.5).toFixed(2)} ms   p99 ${at(0.99).toFixed(2)} ms   max ${at(1).toFixed(2)} ms   (deadline ${DEADLINE_MS} ms)`,
);
