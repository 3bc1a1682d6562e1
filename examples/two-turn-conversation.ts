/**
 * A two-turn conversation with Claude Code: the second turn resumes the first by its session id.
 *
 * Runs against a local fake Messages API by default (on a free port, or FAKE_PORT). With
 * ANTHROPIC_API_KEY set (and FAKE unset) it talks to the real Anthropic API with your own account instead.
 */
import { ClaudeCodeClient, type ClaudeConfig } from '@claude-code-server/core';
import { createCliTestEnv } from '@claude-code-server/core/testing';
import { rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';

const useRealAccount = Boolean(process.env.ANTHROPIC_API_KEY) && !process.env.FAKE;

async function converse(config: ClaudeConfig): Promise<void> {
  const client = new ClaudeCodeClient({ ...config, includePartialMessages: true, timeoutMs: 120_000 });
  const prompts = ['Hi! My name is Ada. Please remember it.', 'What is my name?'];
  let sessionId: string | undefined;

  for (const [index, prompt] of prompts.entries()) {
    console.log(`\n[turn ${index + 1}] you: ${prompt}`);
    process.stdout.write(`[turn ${index + 1}] claude: `);
    for await (const event of client.stream(prompt, { resume: sessionId })) {
      // Tokens are printed as they arrive; the result carries the session id for the next turn.
      if (event.type === 'text_delta' && event.parentToolUseId === null) process.stdout.write(event.text);
      if (event.type === 'result') {
        sessionId = event.response.sessionId;
        const { outputTokens } = event.response.usage;
        console.log(`\n          (session ${sessionId}, ${outputTokens} output tokens)`);
      }
    }
  }
}

if (useRealAccount) {
  console.log('Talking to the real Anthropic API (ANTHROPIC_API_KEY is set).');
  await converse({});
} else {
  // FAKE_PORT chooses the fake's port (default: a free one).
  const fake = await startFakeAnthropic({ port: Number(process.env.FAKE_PORT ?? 0) });
  console.log(`Talking to fake-anthropic at ${fake.url} (set ANTHROPIC_API_KEY to use a real account).`);
  fake.addRule(rules.memory);
  const testEnv = await createCliTestEnv({ baseUrl: fake.url, prefix: 'two-turn-example' });
  try {
    await converse(testEnv.config);
  } finally {
    await testEnv.cleanup();
    await fake.close();
  }
}
