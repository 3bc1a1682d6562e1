import { readdirSync, readFileSync } from 'node:fs';

/** A process identified by pid and start time, so a reused pid is never mistaken for it. */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

/** What /proc/<pid>/stat says about a process. */
export interface ProcStat {
  /** The command name (at most 15 characters; the binary's name until the process execs another). */
  name: string;
  /** One letter: R running, S sleeping, Z zombie... */
  state: string;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  startTime: string;
}

/** Read /proc/<pid>/stat (Linux); undefined if the process is gone or there is no /proc. */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      state: fields[0] ?? '',
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      startTime: fields[19] ?? '',
    };
  } catch {
    return undefined;
  }
}

/** Pids of every process (Linux: from /proc; empty elsewhere). */
export function listPids(): number[] {
  if (process.platform !== 'linux') return [];
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Every live descendant of `rootPid` (Linux: read from /proc; empty elsewhere). Tools the CLI runs
 * may sit in process groups of their own, out of reach of a group kill, so they are found by parent.
 */
export function listDescendants(rootPid: number): ProcessIdentity[] {
  const children = new Map<number, ProcessIdentity[]>();
  for (const pid of listPids()) {
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

/** True if the process exists and is not a zombie waiting to be reaped. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return process.platform !== 'linux' || readProcStat(pid)?.state !== 'Z';
}

/** Pids of this user's live processes whose environment has `name=value` (Linux; empty elsewhere). */
export function findProcessesByEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const hasVariable = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(needle);
    } catch {
      return false; // gone, or not ours to read
    }
  };
  return listPids().filter((pid) => pid !== process.pid && hasVariable(pid) && isProcessAlive(pid));
}
