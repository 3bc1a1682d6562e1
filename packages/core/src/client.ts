import { z } from 'zod';
import { getCliVersion } from './cli-path.js';
import { type ClaudeConfig, claudeConfigSchema, parseClaudeConfig, toInvalidConfigError } from './config.js';
import { InvalidConfigError, ProtocolError } from './errors.js';
import type { ChatResponse, ClaudeEvent } from './events.js';
import type { Hooks } from './hooks/hooks.js';
import { runOneShot } from './one-shot.js';
import { type OneShotCallbacks, runOneShotSession } from './one-shot-session.js';
import type { CanUseTool } from './session/permissions.js';
import type { ToolServer } from './tools/tool-server.js';

/** Per-call choices: any config field (overrides the client's), plus how this run relates to others. */
export interface ChatOptions extends ClaudeConfig {
  /** Continue the conversation with this Claude session id (from `ChatResponse.sessionId`). */
  resume?: string;
  /** Start a new conversation under this id (a UUID). */
  sessionId?: string;
  /** With `resume`: branch the conversation under a new session id, leaving the original as it was. */
  forkSession?: boolean;
  /** Aborting kills the process tree and throws AbortedError. */
  signal?: AbortSignal;
  /** In-process tools for this run (createToolServer); the run then uses streaming input (see README). */
  toolServers?: ToolServer[];
  /** Hook callbacks for this run; the run then uses streaming input. */
  hooks?: Hooks;
  /** Answers tool-permission requests of this run; the run then uses streaming input. */
  canUseTool?: CanUseTool;
}

const runOptionsSchema = z.strictObject({
  resume: z.string().min(1, 'must not be empty').optional(),
  sessionId: z.uuid('must be a UUID').optional(),
  forkSession: z.boolean().optional(),
  signal: z.instanceof(AbortSignal, { message: 'must be an AbortSignal' }).optional(),
  // Checked by the session that runs them (parseExtensions); here only told apart from config fields.
  toolServers: z.array(z.unknown()).optional(),
  hooks: z.record(z.string(), z.unknown()).optional(),
  canUseTool: z.custom<CanUseTool>((v) => typeof v === 'function', 'must be a function').optional(),
});
const runOptionKeys = new Set(Object.keys(runOptionsSchema.shape));

type RunOptions = z.infer<typeof runOptionsSchema>;

/** Split per-call options into run options and config overrides, validate both, merge with `base`. */
function resolveCallOptions(base: ClaudeConfig, options: ChatOptions | undefined) {
  const run: Record<string, unknown> = {};
  const overrides: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options ?? {})) {
    if (value === undefined) continue;
    (runOptionKeys.has(key) ? run : overrides)[key] = value;
  }
  const parsedRun = runOptionsSchema.safeParse(run);
  if (!parsedRun.success) throw toInvalidConfigError(parsedRun.error);
  const parsedOverrides = claudeConfigSchema.safeParse(overrides);
  if (!parsedOverrides.success) throw toInvalidConfigError(parsedOverrides.error);
  const config: ClaudeConfig = { ...base, ...parsedOverrides.data };
  if (base.env && parsedOverrides.data.env) config.env = { ...base.env, ...parsedOverrides.data.env };
  if (parsedRun.data.forkSession && !parsedRun.data.resume) {
    throw new InvalidConfigError('forkSession', 'needs `resume` (the session to fork)');
  }
  // The CLI refuses a chosen id for a resumed conversation unless it is a fork.
  if (parsedRun.data.sessionId && parsedRun.data.resume && !parsedRun.data.forkSession) {
    throw new InvalidConfigError('sessionId', 'with `resume` needs `forkSession` (it names the fork)');
  }
  const { toolServers, hooks, canUseTool, ...runArgs } = parsedRun.data as RunOptions;
  const callbacks: OneShotCallbacks | undefined =
    toolServers || hooks || canUseTool ? ({ toolServers, hooks, canUseTool } as OneShotCallbacks) : undefined;
  if (callbacks && runArgs.forkSession) {
    throw new InvalidConfigError('forkSession', 'cannot be combined with toolServers, hooks or canUseTool');
  }
  if (callbacks && config.outputFormat === 'stream-json') {
    throw new InvalidConfigError(
      'outputFormat',
      "'stream-json' is not available with toolServers, hooks or canUseTool",
    );
  }
  return { config, run: runArgs, callbacks };
}

/** The run's events: over streaming input when the CLI must call back into this process, else prompt as text. */
function runEvents(
  prompt: string,
  { config, run, callbacks }: ReturnType<typeof resolveCallOptions>,
  onRawLine?: (line: string) => void,
): AsyncGenerator<ClaudeEvent, void, undefined> {
  if (callbacks) return runOneShotSession(prompt, config, run, callbacks);
  return runOneShot(prompt, config, { ...run, onRawLine });
}

function checkPrompt(prompt: unknown): string {
  if (typeof prompt !== 'string' || prompt.trim() === '') {
    throw new InvalidConfigError('prompt', 'must be a non-empty string');
  }
  return prompt;
}

/**
 * Runs the Claude Code CLI once per prompt (`claude -p`, prompt on stdin). Conversations continue
 * by passing the previous response's `sessionId` as `resume`.
 */
export class ClaudeCodeClient {
  /** The validated defaults every call starts from. */
  readonly config: Readonly<ClaudeConfig>;

  constructor(config: ClaudeConfig = {}) {
    this.config = Object.freeze(parseClaudeConfig(config));
  }

  /** Run one prompt to the end and return the typed result. */
  async chat(prompt: string, options?: ChatOptions): Promise<ChatResponse> {
    const resolved = resolveCallOptions(this.config, options);
    const { config } = resolved;
    const lines: string[] = [];
    const onRawLine = config.outputFormat === 'stream-json' ? (line: string) => lines.push(line) : undefined;
    let response: ChatResponse | undefined;
    for await (const event of runEvents(checkPrompt(prompt), resolved, onRawLine)) {
      if (event.type === 'result') response = event.response;
    }
    // runOneShot ends normally only after a result; this guards the contract.
    if (!response) throw new ProtocolError('the CLI ended without a result', '');
    if (config.outputFormat === 'json') return { ...response, content: JSON.stringify(response.raw) };
    if (config.outputFormat === 'stream-json') return { ...response, content: lines.join('\n') };
    return response;
  }

  /**
   * Run one prompt and yield its events as they happen (`text_delta` needs `includePartialMessages`).
   * The last event is the `result`; errors are thrown from the loop. Breaking out kills the run.
   */
  async *stream(prompt: string, options?: ChatOptions): AsyncGenerator<ClaudeEvent, void, undefined> {
    yield* runEvents(checkPrompt(prompt), resolveCallOptions(this.config, options));
  }

  /** The version of the CLI this client runs (e.g. `2.1.332`). */
  cliVersion(): Promise<string> {
    return getCliVersion(this.config);
  }
}
