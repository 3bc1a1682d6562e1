import { treeRssBytes } from '../process-memory.js';

/** What a CLI process is assumed to hold before the pool has measured one: 300 MiB. */
export const DEFAULT_PROCESS_RSS_BYTES = 300 * 1024 * 1024;
/** Readings this recent are reused: a drain asks once per waiter, a metrics scrape once per gauge. */
const READING_TTL_MS = 100;

/** The pool's live processes, as the budget counts them. */
export interface LiveProcesses {
  /** Pids of processes that have started (idle or running a turn). */
  started: number[];
  /** Pids of processes being closed: each counts as at least the estimate until it is gone (exiting frees memory as it goes). */
  closing: number[];
  /** Processes with nothing to measure (starting, restarting, exited but not let go yet): each counts as the estimate. */
  unmeasured: number;
}

interface Reading {
  at: number;
  /** Tree RSS by CLI pid. */
  bytes: Map<number, number>;
}

/**
 * The resident memory of the pool's processes, read from /proc (each CLI and the helpers it runs),
 * and how many more fit in `maxBytes`. A process not measured yet counts as the estimate: the largest
 * started process of the last reading, else the largest one before, else DEFAULT_PROCESS_RSS_BYTES.
 */
export class MemoryBudget {
  private reading: Reading | undefined;
  private estimate = DEFAULT_PROCESS_RSS_BYTES;

  constructor(private readonly maxBytes: number | undefined) {}

  /** Resident bytes of the live processes (0 for those not started yet or already exited). */
  rssBytes(live: LiveProcesses): number {
    const bytes = this.read(live);
    return sum([...live.started, ...live.closing].map((pid) => bytes.get(pid) ?? 0));
  }

  /** How many more processes fit beside `live` (Infinity without a budget); one always fits in an empty pool. */
  room(live: LiveProcesses): number {
    if (this.maxBytes === undefined) return Number.POSITIVE_INFINITY;
    const bytes = this.read(live);
    const used =
      sum(live.started.map((pid) => bytes.get(pid) || this.estimate)) +
      sum(live.closing.map((pid) => Math.max(bytes.get(pid) ?? 0, this.estimate))) +
      live.unmeasured * this.estimate;
    const empty = live.started.length + live.closing.length + live.unmeasured === 0;
    return Math.max(Math.floor((this.maxBytes - used) / this.estimate), empty ? 1 : 0);
  }

  private read(live: LiveProcesses): Map<number, number> {
    const pids = [...live.started, ...live.closing];
    const reading = this.reading;
    if (reading && Date.now() - reading.at < READING_TTL_MS && pids.every((pid) => reading.bytes.has(pid))) {
      return reading.bytes;
    }
    const bytes = treeRssBytes(pids);
    this.reading = { at: Date.now(), bytes };
    const largest = Math.max(0, ...live.started.map((pid) => bytes.get(pid) ?? 0));
    if (largest > 0) this.estimate = largest;
    return bytes;
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
