import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { findProcessesByEnv } from './process-tree.js';

/**
 * Env var of every CLI process this host starts, `<host id>:<process id>`. The tools the CLI runs
 * inherit it, also those in process groups of their own: after the CLI or this host is gone, they
 * are found by it (their parent is no longer the CLI by then).
 */
const TAG = 'CLAUDE_CODE_SERVER_PROCESS';
const hostId = randomUUID();
let watchdogStarted = false;

/**
 * Waits for the host's end of its stdin pipe to close (the host exited, even by SIGKILL, when no exit
 * hook runs), then kills every process still tagged with the host's id. Twice: a tool may fork as
 * the first pass kills its parent.
 */
const WATCHDOG_SCRIPT = `cat >/dev/null
for pass in 1 2; do
  for file in $(grep -lsz "^${TAG}=$1:" /proc/[0-9]*/environ); do
    pid=\${file#/proc/}
    kill -9 "\${pid%/environ}" 2>/dev/null
  done
done`;

/** Starts this host's watchdog once (Linux: it reads /proc). It does not keep the host alive. */
function startWatchdog(): void {
  if (watchdogStarted || process.platform !== 'linux') return;
  watchdogStarted = true;
  try {
    const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'claude-code-server-watchdog', hostId], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    watchdog.on('error', () => {}); // no /bin/sh: the exit hooks remain
    watchdog.stdin?.on('error', () => {});
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    watchdog.unref();
  } catch {
    // As above.
  }
}

/** A fresh tag for one CLI process: its env entry, to add to the process's env. */
export function tagProcess(): Record<string, string> {
  startWatchdog();
  return { [TAG]: `${hostId}:${randomUUID()}` };
}

/**
 * Kills what still carries `tag` once its CLI has exited: tools of a CLI that crashed (Linux). Looks
 * again after each round, for a child forked while its parent was being killed.
 */
export function killTagged(tag: Record<string, string>): void {
  const value = tag[TAG];
  if (value === undefined) return;
  for (let round = 0; round < 3; round++) {
    const found = findProcessesByEnv(TAG, value);
    if (found.length === 0) return;
    for (const pid of found) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}
