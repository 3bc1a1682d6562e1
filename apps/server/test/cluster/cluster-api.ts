import { setTimeout as sleep } from 'node:timers/promises';
import { MAIN_KEY } from './cluster.js';

// Response bodies are read field by field in assertions.
// biome-ignore lint/suspicious/noExplicitAny: test-only JSON
type Json = any;

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: Json;
}

/** One request to a node's API with an API key; the body parsed as JSON. */
export async function call(
  baseUrl: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { body?: unknown; key?: string } = {},
): Promise<ApiAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.key ?? MAIN_KEY}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export interface ChatBody {
  message: string;
  user_id: string;
  session_id?: string;
}

/** POST /chat. */
export function chat(baseUrl: string, body: ChatBody, key?: string): Promise<ApiAnswer> {
  return call(baseUrl, 'POST', '/chat', { body, key });
}

export interface StoredMessage {
  seq: number;
  role: 'user' | 'assistant';
  content: string;
}

/** Every stored message of a session, in the order of the store (ascending seq). */
export async function history(baseUrl: string, sessionId: string, userId: string): Promise<StoredMessage[]> {
  const answer = await call(
    baseUrl,
    'GET',
    `/session/${encodeURIComponent(sessionId)}/history?user_id=${encodeURIComponent(userId)}&limit=500`,
  );
  if (answer.status !== 200) throw new Error(`history: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.messages;
}

/** Polls GET /task/{id} until its status is one of `statuses`. */
export async function waitForTask(
  baseUrl: string,
  taskId: string,
  statuses: string[],
  timeoutMs = 60_000,
  key?: string,
): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await call(baseUrl, 'GET', `/task/${taskId}`, { key });
    if (answer.status !== 200) throw new Error(`task: ${answer.status} ${JSON.stringify(answer.body)}`);
    if (statuses.includes(answer.body.status)) return answer.body;
    if (Date.now() > deadline) {
      throw new Error(`task ${taskId} still ${answer.body.status} after ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}

/** One server-sent event of /chat/stream. */
export interface StreamEvent {
  event: string;
  data: Json;
}

/** POST /chat/stream, read to its end: the HTTP status and every event. */
export async function chatStream(
  baseUrl: string,
  body: ChatBody,
  key?: string,
): Promise<{ status: number; events: StreamEvent[] }> {
  const response = await fetch(`${baseUrl}/chat/stream`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key ?? MAIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const events: StreamEvent[] = [];
  for (const block of text.split('\n\n')) {
    const event = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (event && data !== undefined) events.push({ event, data: JSON.parse(data) });
  }
  return { status: response.status, events };
}
