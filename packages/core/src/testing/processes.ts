import { isProcessAlive, listPids, readProcStat } from '../process-tree.js';

export { findProcessesByEnv, isProcessAlive } from '../process-tree.js';

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
  return processGroupMembers(pgid).some(isProcessAlive);
}
