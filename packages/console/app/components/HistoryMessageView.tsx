import type { HistoryMessage } from '../api/types.js';
import { formatCost, formatTime, formatTokens } from '../format.js';
import { Markdown } from './Markdown.js';

/** A stored message of the session's history. */
export function HistoryMessageView({ message }: { message: HistoryMessage }) {
  return (
    <article class={`message message-${message.role}`} data-testid="history-message" data-seq={message.seq}>
      {message.role === 'assistant' ? (
        <Markdown text={message.content} />
      ) : (
        <div class="plain">{message.content}</div>
      )}
      <footer class="turn-meta">
        {formatTime(message.timestamp)}
        {message.cost_usd !== null && ` · ${formatCost(message.cost_usd)}`}
        {message.usage && ` · ${formatTokens(message.usage)}`}
      </footer>
    </article>
  );
}
