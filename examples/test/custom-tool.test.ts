import { expect, it } from 'vitest';
import { runExample } from './run-example.js';

it('custom-tool.ts answers from its in-process tool, and an unknown order comes back as a tool error', async () => {
  const stdout = await runExample('custom-tool.ts');

  expect(stdout).toContain('(audit: mcp__shop__lookup_order {"orderId":"A-1001"})');
  expect(stdout).toContain('claude: Here it is: Order A-1001: shipped, DHL, 2 March.');
  expect(stdout).toContain('claude: Sorry, I could not find that order (There is no order A-9999.)');
});
