import { describe, expect, it } from 'vitest';
import { recordRequest } from './record.js';
import { echoRule, memoryRule } from './rules.js';
import type { FakeMessage } from './types.js';

function requestWith(messages: FakeMessage[]) {
  const bodyText = JSON.stringify({ model: 'm', messages, tools: [{ name: 'Read' }] });
  return recordRequest({ index: 0, method: 'POST', url: '/v1/messages', headers: {}, bodyText });
}

const user = (text: string): FakeMessage => ({ role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): FakeMessage => ({ role: 'assistant', content: [{ type: 'text', text }] });

describe('memoryRule', () => {
  it('acknowledges a name and answers the question from an earlier user turn', () => {
    expect(memoryRule(requestWith([user('Hi! My name is Zoë.')]))).toEqual({
      type: 'text',
      text: 'Nice to meet you, Zoë. I will remember your name.',
    });
    const later = requestWith([
      user('My name is Ann'),
      assistant('Nice to meet you'),
      user('My name is Bob'),
      assistant('Hello'),
      user('What is my name?'),
    ]);
    expect(memoryRule(later)).toEqual({ type: 'text', text: 'Your name is Bob.' });
  });

  it("says it doesn't know when no earlier turn names the user, and passes on other messages", () => {
    expect(memoryRule(requestWith([user("what's my name")]))).toEqual({
      type: 'text',
      text: "I don't know your name yet.",
    });
    expect(memoryRule(requestWith([user('hello')]))).toBeUndefined();
  });
});

describe('echoRule', () => {
  it('answers with the last user text, system reminders left out', () => {
    const req = requestWith([
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>x</system-reminder>' },
          { type: 'text', text: 'ping 3' },
        ],
      },
    ]);
    expect(echoRule(req)).toEqual({ type: 'text', text: 'ping 3' });
  });
});
