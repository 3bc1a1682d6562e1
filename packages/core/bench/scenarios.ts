import { setTimeout as sleep } from 'node:timers/promises';
import { ClaudeCodeClient, type ClaudeConfig, ClaudeSession, SessionPool } from '../src/index.js';
import { runOneShot } from '../src/internal/index.js';
import {
  PeakMemorySampler,
  processCpuSeconds,
  reapedChildrenCpuSeconds,
  treePeakRssMb,
  treeRssMb,
} from './proc.js';
import { median } from './stats.js';

/** What one scenario measured. */
export interface Measurement {
  name: string;
  /** Prompt sent to answer received, per turn. */
  latenciesMs: number[];
  /** CPU seconds of the CLI process tree per turn. */
  cpuSecondsPerTurn?: number;
  /** Peak resident memory (VmHWM) of the CLI process tree, MB. */
  peakRssMb?: number;
  /** Resident memory of the warm process tree after the turns, MB. */
  rssAfterMb?: number;
  note?: string;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

/** (a) The one-shot path: a new `claude -p --resume <id>` process for every message. */
export async function spawnPerTurn(
  config: ClaudeConfig,
  turns: number,
  memoryTurns: number,
): Promise<Measurement> {
  const client = new ClaudeCodeClient(config);
  let resume = (await client.chat('Start of the benchmark conversation.')).sessionId;
  const latenciesMs: number[] = [];
  const cpuBefore = reapedChildrenCpuSeconds();
  for (let i = 0; i < turns; i++) {
    const [response, elapsed] = await timed(() => client.chat(`Spawned turn ${i}`, { resume }));
    latenciesMs.push(elapsed);
    resume = response.sessionId;
  }
  const cpuSecondsPerTurn = (reapedChildrenCpuSeconds() - cpuBefore) / turns;
  // Memory in a separate pass: sampling /proc every few ms would slow the timed turns down.
  const peaks: number[] = [];
  for (let i = 0; i < memoryTurns; i++) {
    const sampler = new PeakMemorySampler();
    // A last sample the moment the result line arrives, before the process exits.
    const onRawLine = (line: string) => {
      if (line.startsWith('{"type":"result"')) sampler.sample();
    };
    for await (const event of runOneShot(`Sampled turn ${i}`, config, { resume, onRawLine })) {
      if (event.type === 'result') resume = event.response.sessionId;
    }
    peaks.push(sampler.stop());
  }
  return {
    name: '(a) spawn per turn, `--resume`',
    latenciesMs,
    cpuSecondsPerTurn,
    peakRssMb: median(peaks),
    note: `peak RSS: median of ${memoryTurns} sampled turns`,
  };
}

/** (b) One warm process in streaming-input mode, turn after turn. */
export async function warmSession(
  config: ClaudeConfig,
  turns: number,
  warmupTurns: number,
): Promise<Measurement> {
  const session = await ClaudeSession.start({ config });
  try {
    for (let i = 0; i < warmupTurns; i++) await session.send(`Warm-up turn ${i}`);
    const pid = session.pid as number;
    const cpuBefore = processCpuSeconds(pid);
    const latenciesMs: number[] = [];
    for (let i = 0; i < turns; i++) {
      const [, elapsed] = await timed(() => session.send(`Warm turn ${i}`).result);
      latenciesMs.push(elapsed);
    }
    return {
      name: '(b) warm session',
      latenciesMs,
      cpuSecondsPerTurn: (processCpuSeconds(pid) - cpuBefore) / turns,
      peakRssMb: treePeakRssMb(pid),
      rssAfterMb: treeRssMb(pid),
      note: `after ${warmupTurns} warm-up turns`,
    };
  } finally {
    await session.close();
  }
}

/** (c) A brand-new conversation served by a pool's spare: acquire + first answer. */
export async function newConversationFromSpare(
  config: ClaudeConfig,
  runs: number,
  settleMs: number,
): Promise<Measurement> {
  const pool = new SessionPool({ config, spares: 1, maxLive: 2, idleTimeoutMs: 0 });
  const latenciesMs: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      while (pool.stats().spares < 1) await sleep(20);
      await sleep(settleMs);
      const [pooled, elapsed] = await timed(async () => {
        const leased = await pool.acquire(`new-user-${i}`);
        await leased.session.send('Hello! I am new here.').result;
        return leased;
      });
      latenciesMs.push(elapsed);
      await pooled.discard();
    }
    const { spawned } = pool.stats();
    const note = `spare had ${settleMs} ms to settle; ${spawned} processes for ${runs} conversations`;
    return { name: '(c) new conversation from a spare', latenciesMs, note };
  } finally {
    await pool.close();
  }
}

/** Reference: a brand-new conversation with no spare (start a process, then the first answer). */
export async function newConversationCold(config: ClaudeConfig, runs: number): Promise<Measurement> {
  const latenciesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [session, elapsed] = await timed(async () => {
      const started = await ClaudeSession.start({ config });
      await started.send('Hello! I am new here.').result;
      return started;
    });
    latenciesMs.push(elapsed);
    await session.close();
  }
  return { name: 'new conversation, no spare (reference)', latenciesMs };
}
