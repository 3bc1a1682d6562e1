import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { killTagged, tagProcess } from './orphans.js';
import { withParentDeathSignal } from './parent-death.js';
import { listDescendants, type ProcessIdentity, signalProcesses } from './process-tree.js';
import { LineSplitter } from './stream-json.js';

export interface SpawnCliOptions {
  cliPath: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Called for every stdout line, in order, before `exited` settles. */
  onLine: (line: string) => void;
  /** How much of stderr to keep for error messages (default 8 KiB). */
  stderrTailChars?: number;
}

/** How the process ended. `spawnError` is set when it could not start at all. */
export interface CliExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: NodeJS.ErrnoException;
}

/** Live processes, killed if the host exits first so none is left behind. */
const live = new Set<CliProcess>();
let hostHooksInstalled = false;

function installHostHooks(): void {
  if (hostHooksInstalled) return;
  hostHooksInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.killTree('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      // Only when nobody else handles the signal: then the host is about to die by default.
      // An app with its own handler decides itself how to close its sessions.
      if (process.listenerCount(signal) > 1) return;
      for (const child of live) child.killTree('SIGKILL');
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * A running `claude` process in its own process group, so the whole tree (tools it started
 * included) can be killed at once. Nothing it starts outlives it or this host (Linux): the kernel
 * kills the CLI when this host dies (`setpriv --pdeathsig`), and every process that inherited its
 * env tag is killed when the CLI exits, or by the host's watchdog when the host dies.
 */
export class CliProcess {
  /** Process id, also the id of its process group; undefined if it failed to start. */
  readonly pid: number | undefined;
  /** Settles once the process has exited and all of its stdout was delivered. */
  readonly exited: Promise<CliExit>;
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private readonly stderrTailChars: number;
  private exit: CliExit | undefined;
  /** Descendants seen when a kill began; killed for good once the CLI is gone. */
  private doomed: ProcessIdentity[] = [];

  constructor(options: SpawnCliOptions) {
    installHostHooks();
    this.stderrTailChars = options.stderrTailChars ?? 8192;
    const command = withParentDeathSignal(options.cliPath, options.args);
    const tag = tagProcess();
    this.child = spawn(command.command, command.args, {
      cwd: options.cwd,
      env: { ...options.env, ...tag },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.pid = this.child.pid;
    if (this.pid !== undefined) live.add(this);

    const splitter = new LineSplitter();
    this.child.stdout.on('data', (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) if (line) options.onLine(line);
    });
    this.child.stdout.on('end', () => {
      for (const line of splitter.flush()) if (line) options.onLine(line);
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
      if (this.stderr.length > this.stderrTailChars * 2)
        this.stderr = this.stderr.slice(-this.stderrTailChars);
    });
    // Writing to a process that already died must not crash the host; `exited` tells what happened.
    this.child.stdin.on('error', () => {});

    this.exited = new Promise<CliExit>((resolve) => {
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        if (this.pid !== undefined) return; // a kill or write failure of a running process
        this.exit = { exitCode: null, signal: null, spawnError: error };
        resolve(this.exit);
      });
      this.child.once('exit', () => {
        // Tools the CLI started may still hold stdout open; nothing of the run may outlive it.
        this.killGroup('SIGKILL');
        signalProcesses(this.doomed, 'SIGKILL');
        // Tools in process groups of their own, no longer its descendants once it is gone.
        killTagged(tag);
      });
      this.child.once('close', (exitCode, signal) => {
        live.delete(this);
        this.exit ??= { exitCode, signal };
        resolve(this.exit);
      });
    });
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last part of stderr. */
  get stderrTail(): string {
    return this.stderr.slice(-this.stderrTailChars);
  }

  /** Write to stdin; false if the process is gone or stdin is closed. */
  write(data: string): boolean {
    if (!this.running || this.child.stdin.writableEnded) return false;
    this.child.stdin.write(data);
    return true;
  }

  /** Close stdin (the CLI finishes its work and exits). */
  endInput(): void {
    if (!this.child.stdin.writableEnded) this.child.stdin.end();
  }

  /** Send a signal to the whole process group; no error if it is already gone. */
  killGroup(signal: NodeJS.Signals): void {
    if (this.pid === undefined) return;
    try {
      process.kill(process.platform === 'win32' ? this.pid : -this.pid, signal);
    } catch {
      // ESRCH: nothing left to kill.
    }
  }

  /**
   * Signal the group and every descendant, including tools that run in process groups of their
   * own. Descendants seen now are SIGKILLed when the CLI exits, should they outlive it.
   */
  killTree(signal: NodeJS.Signals): void {
    this.noteDescendants();
    this.killGroup(signal);
    signalProcesses(this.doomed, signal);
  }

  /**
   * Remember the processes the CLI has started so far; whichever still run when it exits are killed
   * then. Call it when the CLI is about to exit on its own (after its last result).
   */
  noteDescendants(): void {
    if (this.pid === undefined || !this.running) return;
    const known = new Set(this.doomed.map((doomed) => doomed.pid));
    this.doomed.push(...listDescendants(this.pid).filter((found) => !known.has(found.pid)));
  }

  /** SIGTERM the tree, then SIGKILL it after `graceMs` if it is still there; resolves on exit. */
  async kill(graceMs = 2000): Promise<CliExit> {
    if (this.running) {
      this.killTree('SIGTERM');
      const timer = setTimeout(() => this.killTree('SIGKILL'), graceMs);
      timer.unref();
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }
}

/**
 * Start the CLI with stdin/stdout/stderr piped, in its own process group, so that neither it nor the
 * tools it runs outlive it or this host (see CliProcess).
 */
export function spawnCli(options: SpawnCliOptions): CliProcess {
  return new CliProcess(options);
}
