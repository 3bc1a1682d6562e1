import { buildArgs, type RunArgsOptions } from '../argv.js';
import { resolveCliPath } from '../cli-path.js';
import type { ClaudeConfig } from '../config.js';
import { buildChildEnv } from '../env.js';
import { type ClaudeError, ProcessExitedError, type ProtocolError } from '../errors.js';
import { resultError } from '../events.js';
import { type CliExit, type CliProcess, spawnCli } from '../process.js';
import { type CliControlRequest, type CliMessage, parseCliLine } from '../stream-json.js';
import { assertWorkingDirectory } from '../working-directory.js';
import { ControlChannel } from './control.js';
import { serializeFirstStart } from './first-start.js';
import { type CanUseTool, PermissionBroker } from './permissions.js';

/** How a process starts: a new conversation with a chosen id, or continuing one. */
export type StartMode = { sessionId: string } | { resume: string };

/** What the connection hands back to its session. */
export interface ConnectionHandlers {
  /** Every stdout message that is not part of the control protocol, in order. */
  onMessage(message: CliMessage): void;
  /** A stdout line that is not a CLI message (kept, so nothing the CLI said is lost). */
  onUnparsedLine(error: ProtocolError): void;
  /** The permission policy of the turn running now. */
  permissionPolicy(): { canUseTool: CanUseTool | undefined; timeoutMs: number };
}

/** Answers a control request this host does not implement (hooks, SDK MCP servers). */
function unsupported(request: CliControlRequest): Record<string, unknown> {
  return {
    type: 'control_response',
    response: {
      subtype: 'error',
      request_id: request.request_id,
      error: `control request ${request.request.subtype} is not supported by this host`,
    },
  };
}

/** The error for a process that exited on its own. */
export function exitError(exit: CliExit, stderrTail: string, detail?: string): ProcessExitedError {
  if (exit.spawnError) {
    return new ProcessExitedError(null, null, stderrTail, `could not start (${exit.spawnError.message})`);
  }
  return new ProcessExitedError(exit.exitCode, exit.signal, stderrTail, detail);
}

/**
 * One `claude` process in streaming-input mode with `--permission-prompt-tool stdio`: routes its
 * stdout between the control protocol and the session, and answers tool-permission requests.
 */
export class CliConnection {
  readonly control: ControlChannel;
  private readonly permissions: PermissionBroker;
  private readonly process: CliProcess;
  /** An error result printed while starting (e.g. the session to resume does not exist). */
  private startupError: ClaudeError | undefined;
  private starting = true;

  private constructor(config: ClaudeConfig, mode: StartMode, handlers: ConnectionHandlers) {
    const args = buildArgs(config, {
      ...mode,
      inputFormat: 'stream-json',
      permissionPromptTool: 'stdio',
    } satisfies RunArgsOptions);
    const write = (message: Record<string, unknown>) => {
      if (!this.process.write(`${JSON.stringify(message)}\n`)) {
        throw new ProcessExitedError(
          null,
          null,
          this.process.stderrTail,
          'before the message could be written',
        );
      }
    };
    this.control = new ControlChannel(write);
    this.permissions = new PermissionBroker(write);
    this.process = spawnCli({
      cliPath: resolveCliPath(config),
      args,
      env: buildChildEnv(config),
      cwd: config.cwd,
      onLine: (line) => this.route(line, handlers, write),
    });
    this.process.exited.then(() => {
      const gone = new ProcessExitedError(null, null, '', 'while a control request was open');
      this.control.failAll(gone);
      this.permissions.cancelAll(gone);
    });
  }

  /** Spawns the CLI and waits until it answers `initialize` (then a first prompt is answered quickly). */
  static async open(
    config: ClaudeConfig,
    mode: StartMode,
    handlers: ConnectionHandlers,
    startTimeoutMs: number,
  ): Promise<CliConnection> {
    // Checked at every start (a restart too): the directory may have gone since the session began.
    assertWorkingDirectory(config.cwd, 'config.cwd');
    return serializeFirstStart(config, () => CliConnection.openNow(config, mode, handlers, startTimeoutMs));
  }

  private static async openNow(
    config: ClaudeConfig,
    mode: StartMode,
    handlers: ConnectionHandlers,
    startTimeoutMs: number,
  ): Promise<CliConnection> {
    const connection = new CliConnection(config, mode, handlers);
    const exitedEarly = connection.process.exited.then((exit) => {
      throw connection.startupError ?? exitError(exit, connection.process.stderrTail, 'while starting');
    });
    try {
      // systemPromptSnapshot off: a resumed conversation gets the system prompt and tools of this
      // process's config (2.1.332 otherwise replays the ones recorded when the conversation began;
      // older CLIs ignore the field).
      const initialize = connection.control.request(
        'initialize',
        { systemPromptSnapshot: false },
        startTimeoutMs,
      );
      await Promise.race([initialize, exitedEarly]);
    } catch (error) {
      await connection.process.kill(0);
      // Prefer what the CLI said (e.g. "No conversation found") over the generic exit.
      throw connection.startupError ?? error;
    }
    exitedEarly.catch(() => {});
    connection.starting = false;
    return connection;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get exited(): Promise<CliExit> {
    return this.process.exited;
  }

  get stderrTail(): string {
    return this.process.stderrTail;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** Writes one user message (one turn). */
  sendUserMessage(content: unknown): void {
    const line = {
      type: 'user',
      message: { role: 'user', content },
      parent_tool_use_id: null,
      session_id: '',
    };
    if (!this.process.write(`${JSON.stringify(line)}\n`)) {
      throw new ProcessExitedError(null, null, this.process.stderrTail, 'before the prompt could be written');
    }
  }

  /** Ends stdin: the CLI finishes, flushes its transcript and exits (helpers it left running are killed then). */
  endInput(): void {
    this.process.noteDescendants();
    this.process.endInput();
  }

  /** SIGTERM the process group, SIGKILL after `graceMs`. */
  kill(graceMs: number): Promise<CliExit> {
    return this.process.kill(graceMs);
  }

  private route(
    line: string,
    handlers: ConnectionHandlers,
    write: (m: Record<string, unknown>) => void,
  ): void {
    let message: CliMessage;
    try {
      message = parseCliLine(line);
    } catch (error) {
      handlers.onUnparsedLine(error as ProtocolError);
      return;
    }
    switch (message.type) {
      case 'control_response':
        this.control.handleResponse(message);
        return;
      case 'control_request': {
        if (message.request.subtype !== 'can_use_tool') {
          try {
            write(unsupported(message));
          } catch {
            // The process is gone; nothing waits for this answer any more.
          }
          return;
        }
        const { canUseTool, timeoutMs } = handlers.permissionPolicy();
        this.permissions.handle(message, canUseTool, timeoutMs);
        return;
      }
      case 'control_cancel_request':
        this.permissions.cancel(message.request_id, new Error('the CLI cancelled the permission request'));
        return;
      case 'result':
        if (this.starting && message.is_error) this.startupError ??= resultError(message);
        handlers.onMessage(message);
        return;
      default:
        handlers.onMessage(message);
    }
  }
}
