/**
 * An in-process tool: Claude looks up orders through a TypeScript function of this program (no MCP
 * server process to run). The tool's input is checked against a zod schema; an unknown order is an
 * error the model is told about, not a crash; an audit hook sees every call.
 *
 * Runs against a local fake Messages API by default (on a free port, or FAKE_PORT). With
 * ANTHROPIC_API_KEY set (and FAKE unset) it talks to the real Anthropic API with your own account instead.
 */
import { type ClaudeConfig, ClaudeSession, createToolServer, tool } from '@claude-code-server/core';
import { createCliTestEnv } from '@claude-code-server/core/testing';
import { type FakeRule, replies, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { z } from 'zod';

const useRealAccount = Boolean(process.env.ANTHROPIC_API_KEY) && !process.env.FAKE;

// Your data: a database, an HTTP API... here a Map.
const orders = new Map([
  ['A-1001', { status: 'shipped', carrier: 'DHL', date: '2 March' }],
  ['A-1002', { status: 'being packed', carrier: 'UPS', date: '4 March' }],
]);

const lookupOrder = tool(
  'lookup_order',
  'Look up the status of a customer order by its id (like A-1001).',
  { orderId: z.string().regex(/^A-\d{4}$/, 'an order id looks like A-1001') },
  async ({ orderId }) => {
    const order = orders.get(orderId);
    if (!order) throw new Error(`There is no order ${orderId}.`);
    return `Order ${orderId}: ${order.status}, ${order.carrier}, ${order.date}.`;
  },
);
const shop = createToolServer({ name: 'shop', tools: [lookupOrder] });

// The fake model: asks the tool about the order named in the prompt, then answers from its result.
const orderDesk: FakeRule = (req) => {
  const result = req.toolResults[0];
  if (result) {
    return replies.text(
      result.isError
        ? `Sorry, I could not find that order (${result.content})`
        : `Here it is: ${result.content}`,
    );
  }
  const orderId = /A-\d+/.exec(req.lastUserText)?.[0];
  return orderId ? replies.toolUse('mcp__shop__lookup_order', { orderId }) : undefined;
};

async function helpCustomer(config: ClaudeConfig): Promise<void> {
  const session = await ClaudeSession.start({
    // The tools are ours: no permission prompt for them; nothing else may run.
    config: { ...config, tools: [], allowedTools: [...shop.toolNames] },
    toolServers: [shop],
    hooks: {
      PreToolUse: [
        {
          hooks: [
            async (input) =>
              void console.log(`          (audit: ${input.tool_name} ${JSON.stringify(input.tool_input)})`),
          ],
        },
      ],
    },
  });
  try {
    for (const question of ['Where is my order A-1001?', 'And what about order A-9999?']) {
      console.log(`customer: ${question}`);
      const answer = await session.send(question);
      console.log(`claude: ${answer.content}`);
    }
  } finally {
    await session.close();
  }
}

if (useRealAccount) {
  console.log('Talking to the real Anthropic API (ANTHROPIC_API_KEY is set).');
  await helpCustomer({});
} else {
  const fake = await startFakeAnthropic({ port: Number(process.env.FAKE_PORT ?? 0) });
  console.log(`Talking to fake-anthropic at ${fake.url} (set ANTHROPIC_API_KEY to use a real account).`);
  fake.addRule(orderDesk);
  const testEnv = await createCliTestEnv({ baseUrl: fake.url, prefix: 'custom-tool-example' });
  try {
    await helpCustomer(testEnv.config);
  } finally {
    await testEnv.cleanup();
    await fake.close();
  }
}
