/**
 * The backend of a chat bot on ClaudeAgent: each chat user gets their own Claude conversation, kept
 * in a SQLite file, answered by warm CLI processes; tool use is approved by a policy callback (where
 * a real bot would ask its user with a button).
 *
 * Runs against a local fake Messages API by default (on a free port, or FAKE_PORT). With
 * ANTHROPIC_API_KEY set (and FAKE unset) it talks to the real Anthropic API with your own account instead.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClaudeAgent } from '@claude-code-server/agent';
import type { CanUseTool } from '@claude-code-server/core';
import { type FakeRule, replies, rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { createSqliteSessionStore } from '@claude-code-server/store-sqlite';

const useRealAccount = Boolean(process.env.ANTHROPIC_API_KEY) && !process.env.FAKE;

// Reads are fine; anything that runs a command or writes is refused with a reason the model sees.
const approveTools: CanUseTool = async (toolName, input) => {
  const allowed = toolName === 'Read' || toolName === 'Grep' || toolName === 'Glob';
  console.log(`          (permission asked for ${toolName}: ${allowed ? 'allowed' : 'denied'})`);
  if (allowed) return { behavior: 'allow', updatedInput: input };
  return { behavior: 'deny', message: `${toolName} needs a human's approval, and nobody approved it.` };
};

// The fake model: remembers names, and tries to delete files when asked to clean up.
const cleanUpRule: FakeRule = (req) => {
  const result = req.toolResults[0];
  if (result)
    return replies.text(result.isError ? 'I was not allowed to delete the notes.' : 'Deleted the notes.');
  if (/clean up/i.test(req.lastUserText)) return replies.toolUse('Bash', { command: 'rm -f notes.txt' });
  return undefined;
};

const workDir = await mkdtemp(join(tmpdir(), 'chat-bot-example-'));
// FAKE_PORT chooses the fake's port (default: a free one).
const fake = useRealAccount
  ? undefined
  : await startFakeAnthropic({ port: Number(process.env.FAKE_PORT ?? 0) });
fake?.addRule(cleanUpRule);
fake?.addRule(rules.memory);

const store = createSqliteSessionStore({ path: join(workDir, 'sessions.db') });
const agent = new ClaudeAgent({
  store,
  config: {
    configDir: join(workDir, 'claude-config'),
    cwd: workDir,
    allowedTools: ['Read', 'Grep', 'Glob'],
    env: fake
      ? {
          ANTHROPIC_BASE_URL: fake.url,
          ANTHROPIC_API_KEY: 'test-key',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        }
      : {},
  },
  formatter: 'with-sender',
  canUseTool: approveTools,
});
agent.on('turn_finished', (e) => console.log(`          (${e.sessionId}: ${e.durationMs} ms)`));

async function say(userId: string, userName: string, text: string): Promise<void> {
  console.log(`${userName}: ${text}`);
  const reply = await agent.chat(text, { userId, meta: { userName, platform: 'slack' } });
  console.log(`bot -> ${userName}: ${reply.content}`);
}

try {
  console.log(useRealAccount ? 'Using the real Anthropic API.' : `Using fake-anthropic at ${fake?.url}.`);
  await writeFile(join(workDir, 'notes.txt'), 'remember the milk\n');
  await say('U1', 'Alice', 'Hi, my name is Alice.');
  await say('U2', 'Bob', 'Hello! My name is Bob.');
  await say('U1', 'Alice', 'What is my name?');
  await say('U2', 'Bob', 'What is my name?');
  await say('U2', 'Bob', 'Please clean up the notes.txt file in this folder.');

  const notesLeft = await readFile(join(workDir, 'notes.txt'), 'utf8').then(
    () => true,
    () => false,
  );
  console.log(`notes.txt ${notesLeft ? 'is still there' : 'was deleted'}.`);
  const history = await agent.getConversationHistory('U1');
  console.log(`Alice's conversation holds ${history.messages.length} messages.`);
} finally {
  await agent.close();
  await store.close();
  await fake?.close();
  await rm(workDir, { recursive: true, force: true });
}
