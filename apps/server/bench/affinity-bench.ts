/**
 * `pnpm bench`: what a turn costs when a conversation's requests alternate between two
 * `claude-code-server start` processes on one shared store (PostgreSQL, else Redis; BENCH_STORE picks),
 * each with its own CLI config dir, the real `claude` against fake-anthropic (instant replies).
 * p50/p95 of POST /chat for (a) warm turns on one node, (b) alternating nodes with
 * cluster.advertise_url set (the turn is forwarded to the session's warm process), (c) alternating
 * nodes without it (each switch resumes the conversation); the three interleaved turn by turn in one
 * run, so the ratios (b)/(a) and (c)/(a) compare like with like. (b) is also shown for its forwarded
 * turns alone (the half sent to the node that does not hold the session).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Cluster, type ClusterNode } from '../test/cluster/cluster.js';
import { call, chat } from '../test/cluster/cluster-api.js';
import {
  DATABASE_URL,
  postgresBackend,
  redisBackend,
  type SharedBackend,
} from '../test/cluster/shared-backends.js';

const TURNS = Number(process.env.BENCH_TURNS ?? 30);
/** A pause before each turn, so what the previous one left running (storing, closing a process) is done. */
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? 250);

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function chooseBackend(): Promise<SharedBackend> {
  const wanted = process.env.BENCH_STORE;
  if (wanted === 'redis') return redisBackend();
  if (wanted === 'postgres' || (await postgresAnswers())) return postgresBackend();
  return redisBackend();
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] ?? Number.NaN;
}
const ms = (v: number) => (v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
const times = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}x`;

/** One measured turn: how long POST /chat took, where it was sent, whether a warm process answered. */
interface Sample {
  ms: number;
  node: ClusterNode;
  warm: boolean;
}

/** One conversation and the nodes its turns go to, in turn. */
class Conversation {
  readonly samples: Sample[] = [];
  private turn = 0;

  constructor(
    readonly label: string,
    private readonly userId: string,
    private readonly nodes: ClusterNode[],
  ) {}

  /** Sends the next turn to the next node; the first turn (a cold start) is not counted. */
  async next(): Promise<void> {
    const node = this.nodes[this.turn % this.nodes.length] as ClusterNode;
    const started = performance.now();
    const answer = await chat(node.url, { message: `turn ${this.turn}`, user_id: this.userId });
    const elapsed = performance.now() - started;
    if (answer.status !== 200 || answer.body.success !== true) {
      throw new Error(
        `${this.label}: turn ${this.turn} answered ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    }
    if (this.turn > 0) this.samples.push({ ms: elapsed, node, warm: answer.body.metadata?.warm === true });
    this.turn++;
  }
}

const quantile = (samples: Sample[], q: number) =>
  percentile(
    samples.map((sample) => sample.ms),
    q,
  );

const backend = await chooseBackend();
const cluster = await Cluster.create('affinity-bench', backend);
try {
  const [plainA, plainB, affineA, affineB] = (await cluster.addNodes([
    ['plain-a'],
    ['plain-b'],
    ['affine-a', { advertise: true }],
    ['affine-b', { advertise: true }],
  ])) as [ClusterNode, ClusterNode, ClusterNode, ClusterNode];
  const warm = new Conversation('(a) warm turns on one node', 'bench-warm', [plainA]);
  const affine = new Conversation('(b) alternating nodes, cluster.advertise_url set', 'bench-affine', [
    affineA,
    affineB,
  ]);
  const resumed = new Conversation('(c) alternating nodes, no advertise_url', 'bench-resumed', [
    plainA,
    plainB,
  ]);
  for (let turn = 0; turn <= TURNS; turn++) {
    for (const conversation of [warm, affine, resumed]) {
      await sleep(PAUSE_MS);
      await conversation.next();
    }
  }

  const health = await call(plainA.url, 'GET', '/health');
  console.log(
    `affinity bench: two nodes on a shared ${backend.name} store, claude ${health.body.claude_version} against fake-anthropic (instant replies)`,
  );
  console.log(
    `POST /chat, ${TURNS} turns each after a first cold one, the three interleaved, ${PAUSE_MS} ms apart\n`,
  );
  const rows: Array<[string, Sample[]]> = [
    [warm.label, warm.samples],
    [affine.label, affine.samples],
    // The session's first turn ran on affine-a: every turn sent to affine-b is forwarded there.
    [
      '(b) only the turns sent to the other node (forwarded)',
      affine.samples.filter((s) => s.node === affineB),
    ],
    [resumed.label, resumed.samples],
  ];
  const [a50, a95] = [quantile(warm.samples, 50), quantile(warm.samples, 95)];
  console.log('| turns | p50 | p95 | p50 / (a) | p95 / (a) | answered warm |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [label, samples] of rows) {
    const [p50, p95] = [quantile(samples, 50), quantile(samples, 95)];
    const warmTurns = samples.filter((sample) => sample.warm).length;
    console.log(
      `| ${label} | ${ms(p50)} | ${ms(p95)} | ${times(p50, a50)} | ${times(p95, a95)} | ${warmTurns}/${samples.length} |`,
    );
  }
} finally {
  await cluster.close();
}
