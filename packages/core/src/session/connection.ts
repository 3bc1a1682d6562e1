import { buildArgs, type RunArgsOptions } from '../argv.js';
import { resolveCliPath } from '../cli-path.js';
import type { ClaudeConfig } from '../config.js';
import { buildChildEnv } from '../env.js';
import { type ClaudeError, ProcessExitedError, type ProtocolError } from '../errors.js';
import { resultError } from '../events.js';
import { HookRunner } from '../hooks/hook-runner.js';
import type { Hooks } from '../hooks/hooks.js';
import { type CliExit, type CliProcess, spawnCli } from '../process.js';
import { type CliControlRequest, type CliMessage, parseCliLine } from '../stream-json.js';
import { ToolBridge } from '../tools/tool-bridge.js';
import { assertWorkingDirectory } from '../working-directory.js';
import { ControlChannel, type WriteMessage } from './control.js';
import { NO_EXTENSIONS, type SessionExtensions } from './extensions.js';
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
  /** The hooks the running turn brought (for the events in `turnHookEvents`). */
  turnHooks(): Hooks | undefined;
}

/** Answers one CLI-to-host control request; a write to a process that is gone is dropped (its turn fails on exit). */
function answer(
  write: WriteMessage,
  requestId: string,
  outcome: { response: unknown } | { error: string },
): void {
  const response =
    'error' in outcome
      ? { subtype: 'error', request_id: requestId, error: outcome.error }
      : { subtype: 'success', request_id: requestId, response: outcome.response };
  try {
    write({ type: 'control_response', response });
  } catch {
    // The process is gone; nothing waits for this answer any more.
  }
}

/** Answers a request with what `work` resolves to, or its error's message. */
function answerWith(write: WriteMessage, requestId: string, work: Promise<unknown>): void {
  work.then(
    (response) => answer(write, requestId, { response }),
    (error: unknown) =>
      answer(write, requestId, { error: error instanceof Error ? error.message : String(error) }),
  );
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
  private readonly tools: ToolBridge;
  private readonly hooks: HookRunner;
  private readonly process: CliProcess;
  /** An error result printed while starting (e.g. the session to resume does not exist). */
  private startupError: ClaudeError | undefined;
  private starting = true;

  private constructor(
    config: ClaudeConfig,
    mode: StartMode,
    handlers: ConnectionHandlers,
    extensions: SessionExtensions,
  ) {
    // Fresh MCP servers and hook ids per process: a restarted process registers them anew.
    this.tools = new ToolBridge(extensions.toolServers);
    this.hooks = new HookRunner(extensions.hooks, extensions.turnHookEvents);
    const args = buildArgs(config, {
      ...mode,
      inputFormat: 'stream-json',
      permissionPromptTool: 'stdio',
      sdkMcpServers: this.tools.names,
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
      this.hooks.cancelAll(gone);
      this.tools.cancelAll('the Claude Code process exited');
    });
  }

  /** Spawns the CLI and waits until it answers `initialize` (then a first prompt is answered quickly). */
  static async open(
    config: ClaudeConfig,
    mode: StartMode,
    handlers: ConnectionHandlers,
    startTimeoutMs: number,
    extensions: SessionExtensions = NO_EXTENSIONS,
  ): Promise<CliConnection> {
    // Checked at every start (a restart too): the directory may have gone since the session began.
    assertWorkingDirectory(config.cwd, 'config.cwd');
    return serializeFirstStart(config, () =>
      CliConnection.openNow(config, mode, handlers, startTimeoutMs, extensions),
    );
  }

  private static async openNow(
    config: ClaudeConfig,
    mode: StartMode,
    handlers: ConnectionHandlers,
    startTimeoutMs: number,
    extensions: SessionExtensions,
  ): Promise<CliConnection> {
    const connection = new CliConnection(config, mode, handlers, extensions);
    const exitedEarly = connection.process.exited.then((exit) => {
      throw connection.startupError ?? exitError(exit, connection.process.stderrTail, 'while starting');
    });
    try {
      // systemPromptSnapshot off: a resumed conversation gets the system prompt and tools of this
      // process's config (2.1.332 otherwise replays the ones recorded when the conversation began;
      // older CLIs ignore the field).
      // In-process tool servers and hooks are registered here, as the official Agent SDKs do.
      const toolServers = connection.tools.names;
      const hooks = connection.hooks.registration;
      const initialize = connection.control.request(
        'initialize',
        {
          systemPromptSnapshot: false,
          ...(toolServers.length > 0 ? { sdkMcpServers: toolServers } : {}),
          ...(hooks ? { hooks } : {}),
        },
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

  /** Aborts the in-process tool calls still running (the turn is being ended early). */
  cancelToolCalls(reason: string): void {
    this.tools.cancelAll(reason);
  }

  /** SIGTERM the process group, SIGKILL after `graceMs`. */
  kill(graceMs: number): Promise<CliExit> {
    return this.process.kill(graceMs);
  }

  private route(line: string, handlers: ConnectionHandlers, write: WriteMessage): void {
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
      case 'control_request':
        this.handleRequest(message, handlers, write);
        return;
      case 'control_cancel_request': {
        const reason = new Error('the CLI cancelled the request');
        this.permissions.cancel(message.request_id, reason);
        this.hooks.cancel(message.request_id, reason);
        return;
      }
      case 'result':
        if (this.starting && message.is_error) this.startupError ??= resultError(message);
        handlers.onMessage(message);
        return;
      default:
        handlers.onMessage(message);
    }
  }

  /** A request from the CLI: a permission question, a message for an in-process tool server, or a hook call. */
  private handleRequest(message: CliControlRequest, handlers: ConnectionHandlers, write: WriteMessage): void {
    const { request_id: requestId, request } = message;
    switch (request.subtype) {
      case 'can_use_tool': {
        const { canUseTool, timeoutMs } = handlers.permissionPolicy();
        this.permissions.handle(message, canUseTool, timeoutMs);
        return;
      }
      case 'mcp_message':
        answerWith(
          write,
          requestId,
          this.tools
            .handle(request.server_name, request.message)
            .then((mcpResponse) => ({ mcp_response: mcpResponse })),
        );
        return;
      case 'hook_callback':
        answerWith(
          write,
          requestId,
          this.hooks.run(
            requestId,
            request.callback_id,
            request.input,
            request.tool_use_id,
            handlers.turnHooks(),
          ),
        );
        return;
      default:
        answer(write, requestId, {
          error: `control request ${request.subtype} is not supported by this host`,
        });
    }
  }
}
