import { expect, it } from 'vitest';
import { runExample } from './run-example.js';

it('code-review.ts reviews a file with Read and Grep only and prints the structured review', async () => {
  const stdout = await runExample('code-review.ts');

  expect(stdout).toMatch(/review of \/\S+\/discount\.js: 2 issues found\./);
  expect(stdout).toContain('line 3 [high] eval() runs whatever the caller sends.');
  expect(stdout).toContain('line 2 [low] An open TODO.'); // found by the Grep call
  expect(stdout).toContain('(tools the model was offered: Grep, Read, StructuredOutput)');
});
