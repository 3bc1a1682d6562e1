import { randomBytes } from 'node:crypto';
import type { FakeUsage, TextReply, ToolUseReply } from './types.js';

/** One SSE event of a streamed Messages API answer, with the pause to take before sending it. */
export interface StreamEvent {
  event: string;
  data: Record<string, unknown>;
  delayMs: number;
}

type ContentReply = TextReply | ToolUseReply;

/** A random id in the API's style (`msg_...`, `toolu_...`). */
export function fakeId(prefix: string): string {
  return `${prefix}_fake_${randomBytes(9).toString('base64url')}`;
}

/** Splits text into the deltas a TextReply asks for (default: one per word, whitespace kept). */
export function splitText(text: string, chunks?: number | string[]): string[] {
  if (Array.isArray(chunks)) return chunks.length > 0 ? chunks : [''];
  if (text === '') return [''];
  if (typeof chunks === 'number') {
    const n = Math.max(1, Math.min(Math.floor(chunks), text.length));
    const size = Math.ceil(text.length / n);
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
    return parts;
  }
  return text.match(/\s*\S+\s*/g) ?? [text];
}

function fullText(reply: TextReply): string {
  return Array.isArray(reply.chunks) ? reply.chunks.join('') : reply.text;
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function usageFor(reply: ContentReply, inputTokens: number, outputText: string) {
  const u: FakeUsage = reply.usage ?? {};
  return {
    input_tokens: u.input_tokens ?? inputTokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
    output_tokens: u.output_tokens ?? estimateTokens(outputText),
  };
}

interface PlannedBlock {
  block: Record<string, unknown>;
  start: Record<string, unknown>;
  deltas: Record<string, unknown>[];
}

function planBlocks(reply: ContentReply): { blocks: PlannedBlock[]; outputText: string } {
  if (reply.type === 'text') {
    const text = fullText(reply);
    const deltas = splitText(text, reply.chunks).map((t) => ({ type: 'text_delta', text: t }));
    return {
      blocks: [{ block: { type: 'text', text }, start: { type: 'text', text: '' }, deltas }],
      outputText: text,
    };
  }
  const blocks: PlannedBlock[] = [];
  if (reply.text !== undefined && reply.text !== '') {
    blocks.push({
      block: { type: 'text', text: reply.text },
      start: { type: 'text', text: '' },
      deltas: splitText(reply.text).map((t) => ({ type: 'text_delta', text: t })),
    });
  }
  const id = reply.id ?? fakeId('toolu');
  const json = JSON.stringify(reply.input ?? {});
  const half = Math.ceil(json.length / 2);
  blocks.push({
    block: { type: 'tool_use', id, name: reply.name, input: reply.input ?? {} },
    start: { type: 'tool_use', id, name: reply.name, input: {} },
    deltas: [json.slice(0, half), json.slice(half)]
      .filter((p) => p !== '')
      .map((p) => ({ type: 'input_json_delta', partial_json: p })),
  });
  return { blocks, outputText: `${reply.text ?? ''}${json}` };
}

function stopReason(reply: ContentReply): string {
  return reply.type === 'tool_use' ? 'tool_use' : 'end_turn';
}

/** The whole assistant message, for a non-streaming request. */
export function buildMessage(reply: ContentReply, model: string, inputTokens: number) {
  const { blocks, outputText } = planBlocks(reply);
  return {
    id: fakeId('msg'),
    type: 'message',
    role: 'assistant',
    model,
    content: blocks.map((b) => b.block),
    stop_reason: stopReason(reply),
    stop_sequence: null,
    usage: usageFor(reply, inputTokens, outputText),
  };
}

/** The SSE events of a streamed answer, in order. */
export function buildStreamEvents(reply: ContentReply, model: string, inputTokens: number): StreamEvent[] {
  const { blocks, outputText } = planBlocks(reply);
  const usage = usageFor(reply, inputTokens, outputText);
  const delay = reply.type === 'text' ? (reply.delayMs ?? 0) : 0;
  const events: StreamEvent[] = [];
  const push = (event: string, data: Record<string, unknown>, delayMs = 0) =>
    events.push({ event, data: { type: event, ...data }, delayMs });
  push('message_start', {
    message: {
      id: fakeId('msg'),
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  let deltaCount = 0;
  blocks.forEach((b, index) => {
    push('content_block_start', { index, content_block: b.start });
    for (const delta of b.deltas) {
      push('content_block_delta', { index, delta }, deltaCount > 0 ? delay : 0);
      deltaCount++;
    }
    push('content_block_stop', { index });
  });
  push('message_delta', {
    delta: { stop_reason: stopReason(reply), stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  push('message_stop', {});
  return events;
}

/** Serialises one event in the wire format. */
export function formatSse(event: StreamEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
