import type { ClaudeConfig } from '../config.js';
import type { CliExit } from '../process.js';
import { CliConnection, type ConnectionHandlers, type StartMode } from './connection.js';
import type { SessionExtensions } from './extensions.js';

const KILL_GRACE_MS = 2_000;
const CONTROL_TIMEOUT_MS = 10_000;

/** What the session hears from its current process. */
export interface SessionProcessHandlers extends ConnectionHandlers {
  /** The current process exited; `killed` when it was killed for ignoring an interrupt. */
  onExit(exit: CliExit, stderrTail: string, killed: boolean): void;
}

/** Resolves true if `promise` settles within `ms`, false otherwise. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The CLI process behind a warm session, one at a time: spawns it, replaces it (lines and the exit of
 * a replaced process are ignored), ends it gracefully, and kills it when it ignores an interrupt.
 */
export class SessionProcess {
  private connection: CliConnection | undefined;
  /** Bumped per process, so lines and exits of an old process are ignored. */
  private generation = 0;
  private killRequested = false;

  constructor(private readonly handlers: SessionProcessHandlers) {}

  /** The process id, while a process runs. */
  get pid(): number | undefined {
    return this.connection?.running ? this.connection.pid : undefined;
  }

  /** True while there is a process (started and not yet exited). */
  get live(): boolean {
    return this.connection !== undefined;
  }

  /** Spawns the CLI and waits until it is ready for a turn; from now on only this process is heard. */
  async open(
    config: ClaudeConfig,
    mode: StartMode,
    startTimeoutMs: number,
    extensions: SessionExtensions,
  ): Promise<void> {
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    const connection = await CliConnection.open(
      config,
      mode,
      {
        onMessage: (message) => current() && this.handlers.onMessage(message),
        onUnparsedLine: (error) => current() && this.handlers.onUnparsedLine(error),
        permissionPolicy: () => this.handlers.permissionPolicy(),
        turnHooks: () => this.handlers.turnHooks(),
      },
      startTimeoutMs,
      extensions,
    );
    connection.exited.then((exit) => {
      if (!current()) return;
      if (this.connection === connection) this.connection = undefined;
      const killed = this.killRequested;
      this.killRequested = false;
      this.handlers.onExit(exit, connection.stderrTail, killed);
    });
    this.connection = connection;
    this.killRequested = false;
  }

  /** Writes one user message (a turn); false without a process. Throws if the process is gone. */
  sendUserMessage(content: unknown): boolean {
    if (!this.connection) return false;
    this.connection.sendUserMessage(content);
    return true;
  }

  /** Sends a control request (set_model...) to the process, if there is one. */
  async request(subtype: string, fields: Record<string, unknown>): Promise<void> {
    await this.connection?.control.request(subtype, fields, CONTROL_TIMEOUT_MS);
  }

  /** Asks the process to end its turn; returns what kills that same process if it ignores the ask. */
  interrupt(): () => void {
    const connection = this.connection;
    connection?.control.request('interrupt', {}, CONTROL_TIMEOUT_MS).catch(() => {});
    // In-process tool handlers are ours to stop: their signals abort now, whatever the CLI does.
    connection?.cancelToolCalls('the turn was interrupted');
    return () => {
      if (!connection) return;
      this.killRequested = true;
      connection.kill(KILL_GRACE_MS);
    };
  }

  /**
   * Ends the process: stdin is closed (the CLI flushes its transcript), then SIGTERM and SIGKILL if it
   * is still up after `graceMs`. With `detach`, its exit goes unheard (it is being replaced).
   */
  async end(graceMs: number, detach: boolean): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    if (detach) {
      this.connection = undefined;
      this.generation++;
    }
    connection.endInput();
    if (await settlesWithin(connection.exited, graceMs)) return;
    await connection.kill(KILL_GRACE_MS);
  }
}
