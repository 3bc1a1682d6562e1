/**
 * A one-shot code review: Claude may only read (Read and Grep, nothing that writes or runs), and its
 * answer is structured output checked against a JSON Schema (`jsonSchema`), ready for a bot or a CI
 * step to post as review comments.
 *
 * Runs against a local fake Messages API by default (on a free port, or FAKE_PORT). With
 * ANTHROPIC_API_KEY set (and FAKE unset) it talks to the real Anthropic API with your own account instead.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClaudeCodeClient, type ClaudeConfig } from '@claude-code-server/core';
import { createCliTestEnv } from '@claude-code-server/core/testing';
import {
  type FakeRule,
  type RecordedRequest,
  replies,
  startFakeAnthropic,
} from '@claude-code-server/fake-anthropic';

const useRealAccount = Boolean(process.env.ANTHROPIC_API_KEY) && !process.env.FAKE;

interface Review {
  summary: string;
  issues: Array<{ line: number; severity: 'low' | 'medium' | 'high'; message: string }>;
}

// The shape the answer must have; the CLI makes the model fill it in (its StructuredOutput tool).
const reviewSchema = {
  type: 'object',
  properties: {
    summary: { type: 'string' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          line: { type: 'integer' },
          severity: { type: 'string', enum: ['low', 'medium', 'high'] },
          message: { type: 'string' },
        },
        required: ['line', 'severity', 'message'],
      },
    },
  },
  required: ['summary', 'issues'],
};

const fileUnderReview = `export function applyDiscount(order, code) {
  // TODO: read the discounts from the database
  const discounts = eval(code);
  return order.total - discounts;
}
`;

/** The name of the tool the model called last in this conversation, if any. */
function lastToolCalled(req: RecordedRequest): string | undefined {
  const blocks = req.messages
    .filter((m) => m.role === 'assistant' && Array.isArray(m.content))
    .flatMap((m) => m.content as Array<{ type: string; name?: string }>);
  return blocks.filter((b) => b.type === 'tool_use').at(-1)?.name;
}

// The fake reviewer: reads the file, greps for TODOs, then files what it saw as structured output.
function fakeReviewer(file: string): FakeRule {
  let text = '';
  return (req) => {
    switch (lastToolCalled(req)) {
      case undefined:
        return replies.toolUse('Read', { file_path: file });
      case 'Read':
        text = req.toolResults[0]?.content ?? '';
        return replies.toolUse('Grep', { pattern: 'TODO', path: file, output_mode: 'content', '-n': true });
      case 'Grep': {
        const issues: Review['issues'] = [];
        // Read numbers its lines as "N<tab>code"; Grep with -n prints "N:code" (or "path:N:code").
        for (const line of text.split('\n')) {
          const [number, code = ''] = line.trim().split('\t');
          if (code.includes('eval(')) {
            issues.push({
              line: Number(number),
              severity: 'high',
              message: 'eval() runs whatever the caller sends.',
            });
          }
        }
        for (const match of (req.toolResults[0]?.content ?? '').matchAll(/(\d+):.*TODO/g)) {
          issues.push({ line: Number(match[1]), severity: 'low', message: 'An open TODO.' });
        }
        return replies.toolUse('StructuredOutput', { summary: `${issues.length} issues found.`, issues });
      }
      default:
        return replies.text('Review submitted.');
    }
  };
}

async function review(config: ClaudeConfig, file: string): Promise<void> {
  const client = new ClaudeCodeClient({
    ...config,
    tools: ['Read', 'Grep'], // the only tools that exist for this run
    allowedTools: ['Read', 'Grep'],
    jsonSchema: reviewSchema,
    maxTurns: 10,
    timeoutMs: 180_000,
  });
  const response = await client.chat(
    `Review the code in ${file}. Report bugs and risks with their line numbers.`,
  );
  const result = response.structuredOutput as Review;
  console.log(`review of ${file}: ${result.summary}`);
  for (const issue of result.issues) console.log(`  line ${issue.line} [${issue.severity}] ${issue.message}`);
  console.log(`(${response.numTurns} model turns, $${response.costUsd.toFixed(4)})`);
}

const workDir = await mkdtemp(join(tmpdir(), 'code-review-example-'));
const file = join(workDir, 'discount.js');
await writeFile(file, fileUnderReview);
try {
  if (useRealAccount) {
    console.log('Talking to the real Anthropic API (ANTHROPIC_API_KEY is set).');
    await review({ cwd: workDir }, file);
  } else {
    const fake = await startFakeAnthropic({ port: Number(process.env.FAKE_PORT ?? 0) });
    console.log(`Talking to fake-anthropic at ${fake.url} (set ANTHROPIC_API_KEY to use a real account).`);
    fake.addRule(fakeReviewer(file));
    const testEnv = await createCliTestEnv({ baseUrl: fake.url, prefix: 'code-review-example' });
    try {
      await review({ ...testEnv.config, cwd: workDir }, file);
      console.log(`(tools the model was offered: ${fake.conversationRequests()[0]?.tools.join(', ')})`);
    } finally {
      await testEnv.cleanup();
      await fake.close();
    }
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}
