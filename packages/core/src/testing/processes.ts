import { readdirSync, readFileSync } from 'node:fs';

/** State and process group of a pid, read from /proc (Linux only). */
function readStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: read after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  return process.platform === 'linux' && readStat(pid)?.state === 'Z';
}

/** True if the process exists and is not a zombie waiting to be reaped. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(pid);
}

/** Pids whose process group is `pgid` (Linux; empty elsewhere). */
export function processGroupMembers(pgid: number): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => readStat(pid)?.pgrp === pgid);
}

/** True if any process of the group `pgid` is still running (zombies do not count). */
export function isProcessGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  return processGroupMembers(pgid).some((pid) => !isZombie(pid));
}

/** Pids of this user's processes whose environment has `name=value` (Linux; empty elsewhere). */
export function findProcessesByEnv(name: string, value: string): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of names) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle))
        found.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found.filter(isProcessAlive);
}
