import type { ToolBlock } from '../chat/turn-model.js';
import { formatValue } from '../format.js';

/** A tool call, collapsed: its name and state; open, its input and result. */
export function ToolCall({ block }: { block: ToolBlock }) {
  const state = block.result ? (block.result.isError ? 'failed' : 'done') : 'running';
  return (
    <details class={`tool tool-${state}`} data-testid="tool-call">
      <summary>
        <span class="tool-name">{block.name}</span>
        {block.nested && <span class="muted"> (subagent)</span>}
        <span class={`badge badge-${state}`}>{state}</span>
      </summary>
      <div class="tool-body">
        <div class="label">Input</div>
        <pre>{formatValue(block.input)}</pre>
        {block.result && (
          <>
            <div class="label">{block.result.isError ? 'Error' : 'Result'}</div>
            <pre>{formatValue(block.result.content)}</pre>
          </>
        )}
      </div>
    </details>
  );
}
