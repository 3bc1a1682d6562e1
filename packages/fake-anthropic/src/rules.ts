import type { FakeRule } from './types.js';

const NAME_STATEMENT = /\bmy name is\s+([\p{L}\p{N}_'-]+)/iu;
const NAME_QUESTION = /\bwhat(?:'s| is) my name\b/i;

/**
 * Remembers a name across turns: "My name is X" is acknowledged; "What is my name?" is answered
 * from the EARLIER user turns of the messages the CLI sent (so it proves the CLI kept the history).
 */
export const memoryRule: FakeRule = (req) => {
  const text = req.lastUserText;
  if (NAME_QUESTION.test(text)) {
    const earlier = req.userTexts.slice(0, -1);
    for (let i = earlier.length - 1; i >= 0; i--) {
      const match = NAME_STATEMENT.exec(earlier[i] ?? '');
      if (match) return { type: 'text', text: `Your name is ${match[1]}.` };
    }
    return { type: 'text', text: "I don't know your name yet." };
  }
  const stated = NAME_STATEMENT.exec(text);
  if (stated) return { type: 'text', text: `Nice to meet you, ${stated[1]}. I will remember your name.` };
  return undefined;
};

/** Answers with the text of the last user message (for ordering tests). */
export const echoRule: FakeRule = (req) => ({ type: 'text', text: req.lastUserText });

/** Ready-made rules for addRule(). */
export const rules = { memory: memoryRule, echo: echoRule };
