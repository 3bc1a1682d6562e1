import { readFileSync } from 'node:fs';
import { listPids, readProcStat } from '../process-tree.js';

function isZombie(pid: number): boolean {
  return process.platform === 'linux' && readProcStat(pid)?.state === 'Z';
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
  return listPids().filter((pid) => readProcStat(pid)?.pgrp === pgid);
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
