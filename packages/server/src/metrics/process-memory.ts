import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of a set of processes: how many there are and their RSS in bytes. */
export interface ProcessMemory {
  processes: number;
  residentBytes: number;
}

/** The parent pid and the RSS in bytes of a process, from /proc; undefined once it is gone. */
function readProcess(pid: number): { ppid: number; residentBytes: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1];
    // Kernel threads and zombies have no VmRSS line: they hold no memory of their own.
    const rssKb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (ppid === undefined) return undefined;
    return { ppid: Number(ppid), residentBytes: rssKb === undefined ? 0 : Number(rssKb) * 1024 };
  } catch {
    return undefined;
  }
}

/**
 * Every descendant of `rootPid` (the CLI processes this server started and the tools they run), read
 * from /proc in one pass; zero where there is no /proc. Core's process-tree walk keeps no RSS, and
 * reading status once per pid gives both the parent and the memory.
 */
export function descendantMemory(rootPid: number = process.pid): ProcessMemory {
  let names: string[];
  try {
    names = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return { processes: 0, residentBytes: 0 };
  }
  const children = new Map<number, Array<{ pid: number; residentBytes: number }>>();
  for (const name of names) {
    const info = readProcess(Number(name));
    if (!info) continue;
    const siblings = children.get(info.ppid) ?? [];
    siblings.push({ pid: Number(name), residentBytes: info.residentBytes });
    children.set(info.ppid, siblings);
  }
  let processes = 0;
  let residentBytes = 0;
  const pending = [rootPid];
  for (let parent = pending.pop(); parent !== undefined; parent = pending.pop()) {
    for (const child of children.get(parent) ?? []) {
      processes += 1;
      residentBytes += child.residentBytes;
      pending.push(child.pid);
    }
  }
  return { processes, residentBytes };
}
