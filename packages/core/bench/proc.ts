import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { processTrees, procStatusBytes, treeRssBytes } from '../src/process-memory.js';
import { listDescendants, readProcStat } from '../src/process-tree.js';

const MB = 1024 * 1024;

/** Clock ticks per second of /proc/<pid>/stat times. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds a process used, its reaped children included (utime + stime + cutime + cstime). */
export function processCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0) / CLOCK_TICKS;
}

/** CPU seconds of this process's children that have exited and been reaped (cutime + cstime). */
export function reapedChildrenCpuSeconds(): number {
  const fields = statFields('self');
  if (!fields) return 0;
  return (Number(fields[13] ?? 0) + Number(fields[14] ?? 0)) / CLOCK_TICKS;
}

/** A process and the helpers it runs, without its forks that have not exec'd (see processTrees). */
function treePids(pid: number): number[] {
  return processTrees([pid]).get(pid) ?? [];
}

/** Peak resident memory (VmHWM) summed over a process and the helpers it runs, in MB. */
export function treePeakRssMb(pid: number): number {
  return treePids(pid).reduce((sum, p) => sum + procStatusBytes(p, 'VmHWM'), 0) / MB;
}

/** Current resident memory (VmRSS) summed over a process and the helpers it runs, in MB. */
export function treeRssMb(pid: number): number {
  return (treeRssBytes([pid]).get(pid) ?? 0) / MB;
}

/** Pids of the CLI processes this process started (direct children run with `--output-format`) and their descendants. */
function cliTreePids(): number[] {
  const pids: number[] = [];
  for (const child of listDescendants(process.pid)) {
    if (readProcStat(child.pid)?.ppid !== process.pid) continue;
    try {
      if (!readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').includes('--output-format')) continue;
    } catch {
      continue;
    }
    pids.push(...treePids(child.pid));
  }
  return pids;
}

/**
 * Samples the peak memory (VmHWM) of the CLI trees this process starts, every `intervalMs` until
 * stopped. VmHWM only grows, so the last sample before a process exits is (nearly) its peak: a
 * one-shot CLI exits right after its result, too soon to be read once afterwards.
 */
export class PeakMemorySampler {
  private readonly peaksKb = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 10) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    for (const pid of cliTreePids()) {
      const kb = procStatusBytes(pid, 'VmHWM') / 1024;
      if (kb > (this.peaksKb.get(pid) ?? 0)) this.peaksKb.set(pid, kb);
    }
  }

  /** Stops sampling; the summed peaks of every process seen, in MB. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return [...this.peaksKb.values()].reduce((sum, kb) => sum + kb, 0) / 1024;
  }
}
