import { ClaudeCodeServerError } from '@claude-code-server/errors';

/** What the chat is told when a turn fails: one short line, never a stack trace or an internal message. */
export function failureMessage(error: unknown): string {
  if (!(error instanceof ClaudeCodeServerError)) return 'Sorry, something went wrong. Please try again.';
  switch (error.code) {
    case 'ABORTED':
    case 'INTERRUPTED':
      return 'Stopped.';
    case 'AGENT_BUSY':
    case 'POOL_BUSY':
    case 'LEASE_TIMEOUT': {
      const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
      const seconds =
        typeof retryAfterMs === 'number' ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : undefined;
      return seconds
        ? `I'm busy right now; please try again in ${seconds} s.`
        : "I'm busy right now; please try again shortly.";
    }
    case 'TIMEOUT':
      return 'That took too long, so I stopped. Please try again.';
    case 'AGENT_CLOSED':
      return 'I am restarting; please try again in a minute.';
    case 'API_ERROR':
      return 'The model could not answer just now (API error). Please try again.';
    default:
      return `Sorry, something went wrong (${error.code}). Please try again.`;
  }
}
