import {
  checkHookOutput,
  type HookCallback,
  type HookEvent,
  type HookInput,
  type HookOutput,
  type Hooks,
  hookMatches,
} from './hooks.js';

/** The CLI's own default wait for a hook, in seconds. */
const DEFAULT_HOOK_TIMEOUT_S = 60;

/** One registered callback id: a hook of the session's, or the dispatcher of one event's per-turn hooks. */
type Registered =
  | { kind: 'session'; callback: HookCallback; timeoutS: number }
  | { kind: 'turn'; event: HookEvent };

/** `initialize`'s `hooks` field: event -> matchers with the callback ids the CLI calls back. */
export type HookRegistration = Record<
  string,
  Array<{ matcher?: string; hookCallbackIds: string[]; timeout?: number }>
>;

function addMatcher(
  registration: HookRegistration,
  event: string,
  entry: HookRegistration[string][number],
): void {
  const matchers = registration[event] ?? [];
  matchers.push(entry);
  registration[event] = matchers;
}

/** True when `output` ends the decision: it stops, blocks or denies. */
function isFinal(output: HookOutput): boolean {
  return (
    output.continue === false ||
    output.decision === 'block' ||
    output.hookSpecificOutput?.permissionDecision === 'deny'
  );
}

/** Runs a turn's hooks of one event in order: the first that stops or denies decides; else their answers merge. */
async function runInOrder(
  callbacks: HookCallback[],
  input: HookInput,
  toolUseId: string | undefined,
  signal: AbortSignal,
): Promise<HookOutput> {
  let merged: HookOutput = {};
  const contexts: string[] = [];
  for (const callback of callbacks) {
    const output = checkHookOutput(await callback(input, toolUseId, { signal }));
    if (isFinal(output)) return output;
    const context = output.hookSpecificOutput?.additionalContext;
    if (context) contexts.push(context);
    merged = {
      ...merged,
      ...output,
      ...(merged.hookSpecificOutput || output.hookSpecificOutput
        ? { hookSpecificOutput: { ...merged.hookSpecificOutput, ...output.hookSpecificOutput } as never }
        : {}),
    };
  }
  if (contexts.length > 1 && merged.hookSpecificOutput)
    merged.hookSpecificOutput.additionalContext = contexts.join('\n');
  return merged;
}

/**
 * The hooks of one CLI process: gives each callback an id for `initialize`, and runs the callback the
 * CLI names in a `hook_callback` request. Events in `turnEvents` get one catch-all id more, which runs
 * the hooks the running turn brought (matched here with the CLI's rule).
 */
export class HookRunner {
  readonly registration: HookRegistration | undefined;
  private readonly registered = new Map<string, Registered>();
  private readonly open = new Map<string, AbortController>();

  constructor(hooks: Hooks, turnEvents: readonly HookEvent[]) {
    const registration: HookRegistration = {};
    let next = 0;
    for (const [event, matchers] of Object.entries(hooks) as Array<[HookEvent, Hooks[HookEvent]]>) {
      for (const matcher of matchers ?? []) {
        const timeoutS = matcher.timeout ?? DEFAULT_HOOK_TIMEOUT_S;
        const ids = matcher.hooks.map((callback) => {
          const id = `hook_${next++}`;
          this.registered.set(id, { kind: 'session', callback, timeoutS });
          return id;
        });
        addMatcher(registration, event, {
          ...(matcher.matcher !== undefined ? { matcher: matcher.matcher } : {}),
          hookCallbackIds: ids,
          ...(matcher.timeout !== undefined ? { timeout: matcher.timeout } : {}),
        });
      }
    }
    for (const event of turnEvents) {
      const id = `turn_${event}`;
      this.registered.set(id, { kind: 'turn', event });
      addMatcher(registration, event, { hookCallbackIds: [id] });
    }
    this.registration = Object.keys(registration).length > 0 ? registration : undefined;
  }

  /**
   * Runs the callback of one `hook_callback` request; rejects when it throws, answers badly or times out,
   * except on PreToolUse, where any of those denies the call.
   */
  async run(
    requestId: string,
    callbackId: unknown,
    input: unknown,
    toolUseId: unknown,
    turnHooks: Hooks | undefined,
  ): Promise<HookOutput> {
    const registered = typeof callbackId === 'string' ? this.registered.get(callbackId) : undefined;
    if (!registered) throw new Error(`no hook callback with id ${String(callbackId)}`);
    const hookInput = (input ?? {}) as HookInput;
    const useId = typeof toolUseId === 'string' ? toolUseId : undefined;
    const controller = new AbortController();
    this.open.set(requestId, controller);
    // A turn's hooks share a catch-all registered with the CLI's default wait: their timeout can only shorten it.
    const timeoutS =
      registered.kind === 'session'
        ? registered.timeoutS
        : Math.min(
            DEFAULT_HOOK_TIMEOUT_S,
            ...(turnHooks?.[registered.event] ?? []).map((m) => m.timeout ?? DEFAULT_HOOK_TIMEOUT_S),
          );
    const timer = setTimeout(
      () => controller.abort(new Error(`the hook did not answer within ${timeoutS} s`)),
      timeoutS * 1000,
    );
    timer.unref();
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }),
    );
    aborted.catch(() => {});
    try {
      const work =
        registered.kind === 'session'
          ? Promise.resolve(registered.callback(hookInput, useId, { signal: controller.signal })).then(
              checkHookOutput,
            )
          : runInOrder(
              (turnHooks?.[registered.event] ?? [])
                .filter((m) => hookMatches(m.matcher, hookInput))
                .flatMap((m) => m.hooks),
              hookInput,
              useId,
              controller.signal,
            );
      return await Promise.race([work, aborted]);
    } catch (error) {
      // The CLI lets a tool run when its PreToolUse hook fails: fail closed instead, as canUseTool does.
      if (hookInput.hook_event_name !== 'PreToolUse') throw error;
      const message = error instanceof Error ? error.message : String(error);
      return {
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: 'deny',
          permissionDecisionReason: `Hook failed: ${message}`,
        },
      };
    } finally {
      clearTimeout(timer);
      this.open.delete(requestId);
    }
  }

  /** True when `requestId` is a hook call still running. */
  has(requestId: string): boolean {
    return this.open.has(requestId);
  }

  /** The CLI no longer waits for this call (control_cancel_request): abort its signal. */
  cancel(requestId: string, reason: Error): void {
    this.open.get(requestId)?.abort(reason);
  }

  /** Aborts every running hook (the process exited). */
  cancelAll(reason: Error): void {
    for (const controller of this.open.values()) controller.abort(reason);
  }
}
