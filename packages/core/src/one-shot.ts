import { buildArgs, type RunArgsOptions } from './argv.js';
import { AsyncQueue } from './async-queue.js';
import { resolveCliPath } from './cli-path.js';
import type { ClaudeConfig } from './config.js';
import { buildChildEnv } from './env.js';
import {
  AbortedError,
  type ClaudeError,
  CliNotFoundError,
  ProcessExitedError,
  TimeoutError,
} from './errors.js';
import { type ClaudeEvent, mapCliMessage, resultError } from './events.js';
import { type CliExit, spawnCli } from './process.js';
import { apiRetryError } from './retry-policy.js';
import { type CliResultMessage, parseCliLine } from './stream-json.js';
import { assertWorkingDirectory } from './working-directory.js';

/** How long a finished run may take to exit on its own (it flushes the transcript) before it is killed. */
const EXIT_AFTER_RESULT_MS = 10_000;

export interface OneShotRunOptions extends RunArgsOptions {
  signal?: AbortSignal;
  /** Sees every stdout line as printed (for callers that want the raw stream). */
  onRawLine?: (line: string) => void;
}

/** The error that explains why a run ended without a result. */
function exitError(exit: CliExit, cliPath: string, stderrTail: string): ClaudeError {
  const code = exit.spawnError?.code;
  if (code === 'ENOENT' || code === 'EACCES') {
    return new CliNotFoundError([`${cliPath} (${code})`], { cause: exit.spawnError });
  }
  return new ProcessExitedError(exit.exitCode, exit.signal, stderrTail, 'before printing a result');
}

/**
 * Run the CLI once for one prompt (sent on stdin) and yield its events. Ends after the result, or
 * throws a ClaudeError; whichever way it ends, the process tree is gone by then.
 */
export async function* runOneShot(
  prompt: string,
  config: ClaudeConfig,
  options: OneShotRunOptions = {},
): AsyncGenerator<ClaudeEvent, void, undefined> {
  const { signal, onRawLine, ...argsOptions } = options;
  const cliPath = resolveCliPath(config);
  assertWorkingDirectory(config.cwd);
  if (signal?.aborted) throw new AbortedError({ cause: signal.reason });

  const queue = new AsyncQueue<ClaudeEvent>();
  let failure: ClaudeError | undefined;
  let result: CliResultMessage | undefined;
  let assistantError: string | undefined;

  const child = spawnCli({
    cliPath,
    args: buildArgs(config, argsOptions),
    env: buildChildEnv(config),
    cwd: config.cwd,
    onLine: (line) => {
      if (failure) return;
      onRawLine?.(line);
      let message: ReturnType<typeof parseCliLine>;
      try {
        message = parseCliLine(line);
      } catch (error) {
        stop(error as ClaudeError);
        return;
      }
      for (const event of mapCliMessage(message)) {
        queue.push(event);
        if (event.type === 'assistant_error') assistantError = event.error;
        if (event.type === 'api_retry') {
          const error = apiRetryError(event, config.maxApiRetries);
          if (error) return stop(error);
        }
      }
      if (message.type === 'result') {
        result = message;
        // The CLI exits now; anything it leaves running must not outlive it.
        child.noteDescendants();
        setTimeout(() => void child.kill(), EXIT_AFTER_RESULT_MS).unref();
      }
    },
  });

  /** End the run with `error`: kill the tree; the error surfaces once the process is gone. */
  function stop(error: ClaudeError): void {
    if (failure || result) return;
    failure = error;
    void child.kill();
  }

  const onAbort = () => stop(new AbortedError({ cause: signal?.reason }));
  signal?.addEventListener('abort', onAbort, { once: true });
  const timeoutMs = config.timeoutMs;
  const timer = timeoutMs ? setTimeout(() => stop(new TimeoutError(timeoutMs)), timeoutMs) : undefined;

  void child.exited.then((exit) => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    const error =
      failure ?? (result ? resultError(result, assistantError) : exitError(exit, cliPath, child.stderrTail));
    if (error) queue.fail(error);
    else queue.end();
  });

  child.write(prompt);
  child.endInput();

  try {
    yield* queue;
  } finally {
    // The caller stopped reading early (break, return, throw): leave nothing running.
    if (child.running) await child.kill();
    await child.exited;
  }
}
