import type { FakeReply, RecordedRequest } from './types.js';

/**
 * Tells the CLI's background /v1/messages calls from the main conversation. Returns a short label
 * for a side call, undefined for a conversation call.
 */
export function classifySideCall(req: RecordedRequest): string | undefined {
  // A conversation call always offers tools; the CLI's helper calls (quota probe, titles, topics) do not.
  if (req.tools.length === 0) return 'no-tools';
  return undefined;
}

/** The harmless answer given to a side call. */
export function sideCallReply(_req: RecordedRequest): FakeReply {
  return { type: 'text', text: 'ok' };
}
