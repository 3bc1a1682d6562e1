import { access } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { ClaudeCodeServer, ServerOptions } from '../src/index.js';
import type { ServerHarness } from './harness.js';

// Keys of the approval tests: two tenants; in acme a writer, a reader that may not grant Write, and
// a key limited to user bob.
export const KEYS = {
  writer: 'writer-key-0123456789abcdef',
  reader: 'reader-key-0123456789abcdef',
  bobOnly: 'bob-only-key-0123456789abcdef',
  globex: 'globex-key-0123456789abcdef',
} as const;

/**
 * A listening server where Read is pre-approved and Write is within the writer's tools but needs a
 * person's answer.
 */
export async function approvalServer(
  h: ServerHarness,
  options: Partial<ServerOptions> = {},
): Promise<{ server: ClaudeCodeServer; url: string }> {
  const server = await h.server({
    ...approvalOptions,
    claude: {
      config_dir: h.cli.configDir,
      env: h.cli.env,
      permission_mode: 'default',
      allowed_tools: ['Read'],
      max_turns: 4,
    },
    ...options,
  });
  const listening = await server.listen(0);
  return { server, url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
}

const approvalOptions: Partial<ServerOptions> = {
  auth: {
    keys: [
      { name: 'writer', tenant: 'acme', key: KEYS.writer, tools: ['Read', 'Write'] },
      { name: 'reader', tenant: 'acme', key: KEYS.reader, tools: ['Read'] },
      { name: 'bob-only', tenant: 'acme', key: KEYS.bobOnly, users: ['bob'], tools: ['Read', 'Write'] },
      { name: 'globex', key: KEYS.globex, tools: ['Read', 'Write'] },
    ],
  },
};

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** POST /session/{session_id}/permissions/{request_id} with a key. */
export function answer(
  url: string,
  key: string,
  sessionId: string,
  requestId: string,
  body: Record<string, unknown>,
): Promise<Response> {
  return fetch(`${url}/session/${sessionId}/permissions/${requestId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
}
