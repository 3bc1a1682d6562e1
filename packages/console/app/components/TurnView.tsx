import type { Connection } from '../api/connection.js';
import type { LiveTurn, TurnBlock } from '../chat/turn-model.js';
import { formatCost, formatDuration, formatTokens } from '../format.js';
import { ApprovalCard } from './ApprovalCard.js';
import { Markdown } from './Markdown.js';
import { ToolCall } from './ToolCall.js';

function Block({ block, connection }: { block: TurnBlock; connection: Connection }) {
  switch (block.kind) {
    case 'text':
      return <Markdown text={block.text} />;
    case 'thinking':
      return (
        <details class="thinking">
          <summary>Thinking</summary>
          <pre>{block.text}</pre>
        </details>
      );
    case 'tool':
      return <ToolCall block={block} />;
    case 'approval':
      return <ApprovalCard connection={connection} request={block.request} resolution={block.resolution} />;
    case 'notice':
      return <div class="notice">{block.text}</div>;
  }
}

/** A turn sent from this page: the message, the answer as it streams, and its cost once done. */
export function TurnView({ turn, connection }: { turn: LiveTurn; connection: Connection }) {
  const metadata = turn.answer?.metadata;
  return (
    <>
      <article class="message message-user">
        <div class="plain">{turn.message}</div>
      </article>
      <article class="message message-assistant" data-testid="live-answer" data-status={turn.status}>
        {turn.blocks.map((block, index) => (
          // Blocks are only appended or updated in place: the index is stable.
          <Block key={index} block={block} connection={connection} />
        ))}
        {turn.status === 'running' && <div class="typing" role="status" aria-label="answering" />}
        {turn.status === 'stopped' && <div class="notice">Stopped.</div>}
        {turn.error && (
          <div class="error" role="alert">
            {turn.error}
          </div>
        )}
        {metadata && (
          <footer class="turn-meta" data-testid="turn-meta">
            {formatCost(metadata.cost_usd)} · {formatTokens(metadata.usage)} ·{' '}
            {formatDuration(metadata.duration_ms)}
            {metadata.model ? ` · ${metadata.model}` : ''}
            {metadata.permission_denials.length > 0 &&
              ` · denied: ${metadata.permission_denials.map((denial) => denial.tool_name).join(', ')}`}
          </footer>
        )}
      </article>
    </>
  );
}
