import { afterAll, describe, expect, it } from 'vitest';
import { startCommandServer } from './command.js';
import type { FakeAnthropic } from './server.js';
import { messagesBody, parseSse, postMessages, textDeltas } from './test-support/http.js';

const log: string[] = [];
let fake: FakeAnthropic;
afterAll(() => fake?.close());

async function answer(messages: unknown[]): Promise<string> {
  const res = await postMessages(fake, messagesBody('', { messages }));
  return textDeltas(parseSse(await res.text())).join('');
}

const user = (text: string) => ({ role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string) => ({ role: 'assistant', content: [{ type: 'text', text }] });

describe('the fake-anthropic command server', () => {
  it('remembers a name from the history, echoes anything else, and logs requests without prompts', async () => {
    fake = await startCommandServer({ port: 0, host: '127.0.0.1' }, (line) => log.push(line));
    await fetch(`${fake.url}/`, { method: 'HEAD' });
    expect(await answer([user('My name is Ann')])).toBe('Nice to meet you, Ann. I will remember your name.');
    expect(await answer([user('My name is Ann'), assistant('Hi Ann'), user('What is my name?')])).toBe(
      'Your name is Ann.',
    );
    expect(await answer([user('ping 7')])).toBe('ping 7');

    expect(log).toEqual([
      'HEAD / -> probe',
      'POST /v1/messages -> text',
      'POST /v1/messages -> text',
      'POST /v1/messages -> text',
    ]);
  });
});
