import { readFileSync } from 'node:fs';
import { listPids, readProcStat } from './process-tree.js';

/** A memory figure of /proc/<pid>/status in bytes (VmRSS: resident now, VmHWM: the peak); 0 if unreadable. */
export function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * The pids of each root's tree (Linux, from one pass over /proc; a root that is gone has no entry):
 * the root and the helpers it runs (git, rg, sh...). Its forks that have not exec'd yet carry its
 * own name and share its pages: counting them would count its memory twice.
 */
export function processTrees(roots: readonly number[]): Map<number, number[]> {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const pid of listPids()) {
    const stat = readProcStat(pid);
    if (!stat) continue;
    names.set(pid, stat.name);
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(pid);
    children.set(stat.ppid, siblings);
  }
  const trees = new Map<number, number[]>();
  for (const root of roots) {
    const name = names.get(root);
    if (name === undefined) continue;
    const tree = [root];
    const pending = [root];
    while (pending.length > 0) {
      for (const child of children.get(pending.pop() as number) ?? []) {
        pending.push(child);
        if (names.get(child) !== name) tree.push(child);
      }
    }
    trees.set(root, tree);
  }
  return trees;
}

/** Resident memory (VmRSS) of each root's tree in bytes; a root that is gone (or any root off Linux) has no entry. */
export function treeRssBytes(roots: readonly number[]): Map<number, number> {
  const rss = new Map<number, number>();
  for (const [root, tree] of processTrees(roots)) {
    rss.set(
      root,
      tree.reduce((sum, pid) => sum + procStatusBytes(pid, 'VmRSS'), 0),
    );
  }
  return rss;
}
