import type { ClaudeConfig } from './config.js';
import type { ClaudeEvent } from './events.js';
import type { Hooks } from './hooks/hooks.js';
import type { CanUseTool } from './session/permissions.js';
import { ClaudeSession } from './session/session.js';
import type { ToolServer } from './tools/tool-server.js';

/** What makes a one-shot run need the control protocol: code of the caller's that the CLI calls back. */
export interface OneShotCallbacks {
  toolServers?: ToolServer[];
  hooks?: Hooks;
  canUseTool?: CanUseTool;
}

/**
 * Runs one prompt on a process in streaming-input mode (a session of one turn), because in-process
 * tools, hooks and permission callbacks are answered over the control protocol, which a prompt given
 * as text on stdin does not open. The process is closed after the result, its transcript written.
 */
export async function* runOneShotSession(
  prompt: string,
  config: ClaudeConfig,
  run: { resume?: string; sessionId?: string; signal?: AbortSignal },
  callbacks: OneShotCallbacks,
): AsyncGenerator<ClaudeEvent, void, undefined> {
  const session = await ClaudeSession.start({
    config,
    ...(run.resume !== undefined ? { resume: run.resume } : {}),
    ...(run.sessionId !== undefined ? { sessionId: run.sessionId } : {}),
    ...callbacks,
  });
  try {
    yield* session.send(prompt, run.signal ? { signal: run.signal } : {});
  } finally {
    await session.close();
  }
}
