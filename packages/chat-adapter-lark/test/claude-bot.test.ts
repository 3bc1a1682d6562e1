import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createMemoryState } from '@chat-adapter/state-memory';
import {
  type BotHarness,
  eventually,
  type RunningBot,
  startBotHarness,
} from '@claude-code-server/bot/testing';
import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLarkAdapter } from '../src/index.js';
import { eventV2, larkDelivery, textMessageEvent } from './lark-events.js';
import { startLarkStandIn } from './lark-stand-in.js';

const APP = { appId: 'cli_test', appSecret: 'secret-of-the-app', botOpenId: 'ou_bot' };
const KEYS = { encryptKey: 'encrypt-key-of-the-subscription' };
const TOKEN = 'verification-token';

let standIn: Awaited<ReturnType<typeof startLarkStandIn>>;
let h: BotHarness;
let running: RunningBot;

beforeAll(async () => {
  standIn = await startLarkStandIn(APP, { ou_alice: 'Alice' });
  h = await startBotHarness({ pool: { maxLive: 1, spares: 0 } });
  running = await h.startBot(
    () => ({
      lark: createLarkAdapter({
        ...APP,
        encryptKey: KEYS.encryptKey,
        verificationToken: TOKEN,
        apiBaseUrl: standIn.url,
      }),
    }),
    () => createMemoryState(),
  );
});

afterAll(async () => {
  await h?.close();
  await standIn?.close();
});

/** The text a sent card shows now: its first markdown block after its latest update. */
function shownText(messageId: string): string {
  const updates = standIn.sent.filter((sent) => sent.messageId === messageId);
  return updates.at(-1)?.card.elements.find((element) => element.tag === 'markdown')?.content ?? '';
}

it('runs a Claude Code turn from a Feishu direct message, approving its Write with the card button', async () => {
  const file = join(h.workDir, 'from-feishu.txt');
  h.fake.enqueue(replies.toolUse('Write', { file_path: file, content: 'hi' }), replies.text('Written it.'));
  const ask = larkDelivery(
    eventV2(
      'im.message.receive_v1',
      textMessageEvent({
        chatId: 'oc_dm',
        chatType: 'p2p',
        senderOpenId: 'ou_alice',
        text: 'write the file',
      }),
      TOKEN,
    ),
    KEYS,
  );
  expect((await running.deliver('lark', ask)).status).toBe(200);

  const card = await eventually(() =>
    standIn.sent.find((sent) => sent.card.elements.some((element) => element.tag === 'action')),
  );
  expect(card.card.header?.title.content).toBe('Allow Write?');
  expect(shownText(card.messageId)).toMatch(/^Alice asked for this\./);
  const approve = card.card.elements.find((element) => element.tag === 'action')?.actions?.[0];
  expect(approve?.text.content).toBe('Approve');
  const click = larkDelivery(
    eventV2(
      'card.action.trigger',
      {
        operator: { open_id: 'ou_alice' },
        action: { tag: 'button', value: approve?.value },
        context: { open_message_id: card.messageId, open_chat_id: 'oc_dm' },
      },
      TOKEN,
    ),
    KEYS,
  );
  expect((await running.deliver('lark', click)).status).toBe(200);

  await eventually(() =>
    standIn.sent.some((sent) => sent.kind === 'create' && shownText(sent.messageId).includes('Written it.')),
  );
  expect(existsSync(file)).toBe(true);
  expect(shownText(card.messageId)).toContain('Approved by Alice');
}, 120_000);
