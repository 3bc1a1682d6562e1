import { ClaudeCodeServerClientError } from '@claude-code-server/client';
import type { Usage } from './api/types.js';

/** `$0.0123`: costs of a turn are small, so four decimals. */
export function formatCost(usd: number): string {
  return `$${usd.toFixed(usd >= 1 ? 2 : 4)}`;
}

/** `1,234 in · 56 out` (cache reads and writes counted as input, as the API bills them). */
export function formatTokens(usage: Usage): string {
  const input = usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens;
  return `${input.toLocaleString('en')} in · ${usage.output_tokens.toLocaleString('en')} out tokens`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;
}

/** A local date and time, short. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** A tool's input or result as readable text: strings as they are, the rest as indented JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  // Tool results often come as content blocks: show their text.
  if (Array.isArray(value) && value.every((part) => typeof part?.text === 'string')) {
    return value.map((part: { text: string }) => part.text).join('\n');
  }
  return JSON.stringify(value, null, 2);
}

/** An error as a sentence: the server's message and its code (`the API key is not valid (UNAUTHORIZED)`). */
export function describeError(error: unknown): string {
  if (error instanceof ClaudeCodeServerClientError) {
    if (error.code === 'NETWORK_ERROR') return 'cannot reach the server: is it running?';
    return `${error.message} (${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}
