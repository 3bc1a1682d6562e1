import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { replies } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChatStreamEvent,
  ClaudeCodeServerClient,
  NotFoundError,
  type PermissionRequest,
  type TaskStatus,
} from '../src/index.js';
import { type ClientHarness, KEYS, startClientHarness } from './harness.js';

let h: ClientHarness;
let alice: ClaudeCodeServerClient;
let bob: ClaudeCodeServerClient;
let counter = 0;

beforeAll(async () => {
  h = await startClientHarness();
  // Read runs without asking; Write is within the keys' tools but waits for a person's answer.
  const { url } = await h.server({
    claude: { ...h.claude, permission_mode: 'default', allowed_tools: ['Read'] },
  });
  alice = new ClaudeCodeServerClient({ baseUrl: url, apiKey: KEYS.alice });
  bob = new ClaudeCodeServerClient({ baseUrl: url, apiKey: KEYS.bob });
});
afterAll(async () => {
  await h?.close();
});

/** The model's Write of a new file, then a closing text; returns the file's path. */
function scriptWrite(): string {
  const file = join(h.cli.workDir, `approved-${++counter}.txt`);
  h.fake.enqueue(
    replies.toolUse('Write', { file_path: file, content: 'approved\n' }),
    replies.text('Finished.'),
  );
  return file;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Streams a turn, calling `onRequest` for each permission_request before reading on. */
async function streamWith(
  sessionId: string,
  onRequest: (request: PermissionRequest) => Promise<void>,
): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const event of alice.chatStream({
    message: 'write it',
    user_id: 'lee',
    session_id: sessionId,
  })) {
    events.push(event);
    if (event.event === 'permission_request') await onRequest(event.data);
  }
  return events;
}

describe('tool approvals over HTTP', () => {
  it('a Write waits for the answer; allow runs it', async () => {
    const file = scriptWrite();
    const events = await streamWith('lee-allow', async (request) => {
      expect(request).toMatchObject({ tool_name: 'Write', session_id: 'lee-allow', user_id: 'lee' });
      const pending = await alice.listPendingPermissions('lee-allow');
      expect(pending.pending.map((p) => p.request_id)).toEqual([request.request_id]);
      expect(await exists(file)).toBe(false);
      const answered = await alice.answerPermission('lee-allow', request.request_id, { behavior: 'allow' });
      expect(answered).toMatchObject({ success: true, behavior: 'allow' });
    });
    const resolved = events.find((event) => event.event === 'permission_resolved');
    expect(resolved?.data).toMatchObject({ behavior: 'allow', decided_by: 'answer' });
    expect(events.at(-1)?.event).toBe('done');
    expect(await exists(file)).toBe(true);
  });

  it('deny keeps the file unwritten and the model gets the message', async () => {
    const file = scriptWrite();
    await streamWith('lee-deny', async (request) => {
      await alice.answerPermission('lee-deny', request.request_id, {
        behavior: 'deny',
        message: 'Not today.',
      });
    });
    expect(await exists(file)).toBe(false);
    expect(h.fake.conversationRequests().at(-1)?.toolResults[0]?.content).toContain('Not today.');
  });

  it("another tenant's answer is a NotFoundError and changes nothing", async () => {
    const file = scriptWrite();
    await streamWith('lee-other', async (request) => {
      const refused = await bob
        .answerPermission('lee-other', request.request_id, { behavior: 'allow' })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(NotFoundError);
      await alice.answerPermission('lee-other', request.request_id, { behavior: 'deny' });
    });
    expect(await exists(file)).toBe(false);
  });

  it('an async task waits for approval; waitForTask hands over its requests', async () => {
    const file = scriptWrite();
    const accepted = await alice.chatAsync({ message: 'write it', user_id: 'lee', session_id: 'lee-task' });
    const statuses: TaskStatus[] = [];
    const task = await alice.waitForTask(accepted.task_id, {
      intervalMs: 50,
      onPermissionRequest: async (request, waiting) => {
        statuses.push(waiting.status);
        await alice.answerPermission(request.session_id, request.request_id, { behavior: 'allow' });
      },
    });
    expect(statuses).toEqual(['waiting_for_approval']);
    expect(task.status).toBe('completed');
    expect(await exists(file)).toBe(true);
  });
});
