import type {
  CanUseTool,
  ChatResponse,
  ClaudeEvent,
  ClaudeSession,
  Hooks,
  TurnInput,
} from '@claude-code-server/core';

export interface ClaudeTurnOptions {
  timeoutMs: number | undefined;
  signal: AbortSignal;
  canUseTool: CanUseTool | undefined;
  hooks: Hooks | undefined;
  onEvent(event: ClaudeEvent): void;
}

/** A prompt running on a warm process, watched for what the transcript will have to contain. */
export interface RunningTurn {
  /** Resolves with the answer; rejects with the turn's error. */
  done: Promise<ChatResponse>;
  /** The CLI's result, once it printed one (also when the turn failed, e.g. an API error). */
  response: ChatResponse | undefined;
  /** Main-thread assistant messages of the turn: API message id -> how many lines it produced. */
  assistantMessages: Map<string, number>;
}

/** Sends a prompt and forwards the turn's events as they arrive. */
export function runClaudeTurn(
  session: ClaudeSession,
  prompt: TurnInput,
  options: ClaudeTurnOptions,
): RunningTurn {
  const turn = session.send(prompt, {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    signal: options.signal,
    ...(options.canUseTool ? { canUseTool: options.canUseTool } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  });
  const running: RunningTurn = {
    done: Promise.resolve() as never,
    response: undefined,
    assistantMessages: new Map(),
  };
  running.done = (async () => {
    try {
      for await (const event of turn) {
        if (event.type === 'assistant' && event.parentToolUseId === null && event.messageId) {
          running.assistantMessages.set(
            event.messageId,
            (running.assistantMessages.get(event.messageId) ?? 0) + 1,
          );
        }
        if (event.type === 'result') running.response = event.response;
        options.onEvent(event);
      }
    } catch {
      // The same error rejects turn.result below.
    }
    return turn.result;
  })();
  return running;
}
