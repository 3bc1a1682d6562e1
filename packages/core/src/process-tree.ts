import { readdirSync, readFileSync } from 'node:fs';

/** A process identified by pid and start time, so a reused pid is never mistaken for it. */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

interface ProcStat {
  ppid: number;
  startTime: string;
}

function readProcStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/**
 * Every live descendant of `rootPid` (Linux: read from /proc; empty elsewhere). Tools the CLI runs
 * may sit in process groups of their own, out of reach of a group kill, so they are found by parent.
 */
export function listDescendants(rootPid: number): ProcessIdentity[] {
  if (process.platform !== 'linux') return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, ProcessIdentity[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readProcStat(pid);
    if (!stat) continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push({ pid, startTime: stat.startTime });
    children.set(stat.ppid, siblings);
  }
  const found: ProcessIdentity[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    for (const child of children.get(pending.pop()!) ?? []) {
      found.push(child);
      pending.push(child.pid);
    }
  }
  return found;
}

/** Signal each process that is still the same process (same start time); errors are ignored. */
export function signalProcesses(processes: ProcessIdentity[], signal: NodeJS.Signals): void {
  for (const { pid, startTime } of processes) {
    if (readProcStat(pid)?.startTime !== startTime) continue;
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}
