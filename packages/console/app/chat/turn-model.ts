import type { ChatResponse, ChatStreamEvent, PermissionRequest, PermissionResolved } from '../api/types.js';

export interface TextBlock {
  kind: 'text';
  text: string;
  /** Deltas still arrive for it (the model's message is not whole yet). */
  open: boolean;
}
export interface ThinkingBlock {
  kind: 'thinking';
  text: string;
}
export interface ToolBlock {
  kind: 'tool';
  id: string;
  name: string;
  input: unknown;
  /** Set once the tool ran. */
  result?: { content: unknown; isError: boolean };
  /** A tool a subagent called (inside another tool call). */
  nested: boolean;
}
export interface ApprovalBlock {
  kind: 'approval';
  request: PermissionRequest;
  resolution?: PermissionResolved;
}
export interface NoticeBlock {
  kind: 'notice';
  text: string;
}
export type TurnBlock = TextBlock | ThinkingBlock | ToolBlock | ApprovalBlock | NoticeBlock;

/** A turn this page sent: the message, what the stream showed so far, and how it ended. */
export interface LiveTurn {
  key: string;
  message: string;
  blocks: TurnBlock[];
  status: 'running' | 'done' | 'failed' | 'stopped';
  /** The final answer (`done`). */
  answer?: ChatResponse;
  /** Why it failed: the stream's `error` (thrown by the client), a refusal, or an error result. */
  error?: string;
}

export function newTurn(message: string): LiveTurn {
  return { key: crypto.randomUUID(), message, blocks: [], status: 'running' };
}

function openText(blocks: TurnBlock[]): TextBlock | undefined {
  const last = blocks.at(-1);
  return last?.kind === 'text' && last.open ? last : undefined;
}

function closeText(blocks: TurnBlock[]): TurnBlock[] {
  return blocks.map((block) => (block.kind === 'text' && block.open ? { ...block, open: false } : block));
}

/** The turn after one stream event (a new object: components re-render on identity). */
export function applyEvent(turn: LiveTurn, event: ChatStreamEvent): LiveTurn {
  const blocks = turn.blocks;
  switch (event.event) {
    case 'delta': {
      const open = openText(blocks);
      if (open)
        return { ...turn, blocks: [...blocks.slice(0, -1), { ...open, text: open.text + event.data.text }] };
      return { ...turn, blocks: [...blocks, { kind: 'text', text: event.data.text, open: true }] };
    }
    case 'assistant': {
      // The whole message: it replaces what its deltas built (or stands alone when none came).
      const open = openText(blocks);
      const text = event.data.text;
      if (open)
        return {
          ...turn,
          blocks: [...blocks.slice(0, -1), { kind: 'text', text: text || open.text, open: false }],
        };
      return text ? { ...turn, blocks: [...blocks, { kind: 'text', text, open: false }] } : turn;
    }
    case 'thinking':
      return { ...turn, blocks: [...closeText(blocks), { kind: 'thinking', text: event.data.thinking }] };
    case 'tool_use':
      return {
        ...turn,
        blocks: [
          ...closeText(blocks),
          {
            kind: 'tool',
            id: event.data.id,
            name: event.data.name,
            input: event.data.input,
            nested: event.data.parent_tool_use_id !== null,
          },
        ],
      };
    case 'tool_result':
      return {
        ...turn,
        blocks: blocks.map((block) =>
          block.kind === 'tool' && block.id === event.data.tool_use_id
            ? { ...block, result: { content: event.data.content, isError: event.data.is_error } }
            : block,
        ),
      };
    case 'permission_request':
      return { ...turn, blocks: [...closeText(blocks), { kind: 'approval', request: event.data }] };
    case 'permission_resolved':
      return {
        ...turn,
        blocks: blocks.map((block) =>
          block.kind === 'approval' && block.request.request_id === event.data.request_id
            ? { ...block, resolution: event.data }
            : block,
        ),
      };
    case 'retry': {
      const { attempt, max_retries, error_status, error } = event.data;
      const status = error_status === null ? '' : ` ${error_status}`;
      const text = `The API call failed (${error}${status}); retry ${attempt} of ${max_retries}.`;
      return { ...turn, blocks: [...blocks, { kind: 'notice', text }] };
    }
    case 'done': {
      const answer = event.data;
      const ended = { ...turn, blocks: closeText(blocks), answer };
      return answer.success
        ? { ...ended, status: 'done' }
        : {
            ...ended,
            status: 'failed',
            error: answer.error ?? `the turn ended with ${answer.metadata.error_code}`,
          };
    }
    default:
      // session and init carry nothing the page shows.
      return turn;
  }
}
