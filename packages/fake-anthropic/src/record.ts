import type { IncomingHttpHeaders } from 'node:http';
import { isRecord } from './is-record.js';
import type { FakeContentBlock, FakeMessage, RecordedRequest, RecordedToolResult } from './types.js';

const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'proxy-authorization', 'cookie']);

/** Copies the headers without the ones that carry credentials. */
export function redactHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

/** Flattens Messages API content (a string, text blocks, tool_result content) to plain text. */
export function contentToText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') {
      // The CLI adds context as <system-reminder> text blocks; they are not what the user typed.
      if (!block.text.trimStart().startsWith('<system-reminder>')) parts.push(block.text);
    } else if (block.type === 'tool_result') {
      parts.push(contentToText(block.content));
    }
  }
  return parts.join('\n');
}

function toolResultsOf(message: FakeMessage | undefined): RecordedToolResult[] {
  if (!message || !Array.isArray(message.content)) return [];
  return message.content
    .filter((b: FakeContentBlock) => b.type === 'tool_result')
    .map((b) => ({
      toolUseId: String(b.tool_use_id ?? ''),
      content: contentToText(b.content),
      isError: b.is_error === true,
    }));
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system
    .map((b) => (isRecord(b) && typeof b.text === 'string' ? b.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

/** Names of the tools offered, either those loaded at once or the deferred ones (`defer_loading`). */
function toolNames(tools: unknown, deferred: boolean): string[] {
  if (!Array.isArray(tools)) return [];
  return tools
    .filter((t) => isRecord(t) && typeof t.name === 'string' && (t.defer_loading === true) === deferred)
    .map((t) => (t as { name: string }).name);
}

export interface RawRequest {
  index: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyText: string;
}

/** Parses one HTTP request into the record entry tests assert on. */
export function recordRequest(raw: RawRequest): RecordedRequest {
  const url = new URL(raw.url, 'http://fake.invalid');
  let body: unknown;
  if (raw.bodyText !== '') {
    try {
      body = JSON.parse(raw.bodyText);
    } catch {
      body = undefined;
    }
  }
  const b = isRecord(body) ? body : {};
  const messages: FakeMessage[] = Array.isArray(b.messages) ? (b.messages as FakeMessage[]) : [];
  const userMessages = messages.filter((m) => m.role === 'user');
  const userTexts = userMessages.map((m) => contentToText(m.content));
  const last = messages.at(-1);
  const lastUser = last?.role === 'user' ? last : userMessages.at(-1);
  return {
    index: raw.index,
    at: Date.now(),
    method: raw.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: redactHeaders(raw.headers),
    body,
    model: typeof b.model === 'string' ? b.model : undefined,
    system: systemText(b.system),
    messages,
    tools: toolNames(b.tools, false),
    deferredTools: toolNames(b.tools, true),
    stream: b.stream === true,
    maxTokens: typeof b.max_tokens === 'number' ? b.max_tokens : undefined,
    lastUserText: lastUser ? contentToText(lastUser.content) : '',
    toolResults: toolResultsOf(lastUser),
    userTexts,
    sideCall: undefined,
    replyType: undefined,
  };
}
