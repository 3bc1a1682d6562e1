import type { AgentResponse, ClaudeAgent } from '@claude-code-server/agent';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { TurnObserver } from '../chat/turn-observer.js';
import type { PreparedTurn } from '../chat/turn-service.js';
import type { ForwardMetricOutcome } from '../cluster/session-affinity.js';
import type { HttpError } from '../errors/http-error.js';

/** Every series is named `ccs_<what>`; prom-client's process and Node.js series keep their own names. */
const PREFIX = 'ccs_';

/** Seconds, from a turn of a few hundred ms to the longest timeout. */
const TURN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
/** Seconds, for store operations (sub-millisecond in memory, tens of ms on a remote database). */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** A counter whose value is read from a running total kept elsewhere (the pool's own counts). */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number) {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/**
 * The server's Prometheus metrics on a registry of its own (two servers in one process do not mix):
 * turns, tokens and cost per tenant, the agent's admission and pool, process memory, HTTP requests
 * and store operations. Labels are bounded: outcomes, error codes, tenants (configured key names),
 * route templates and store method names; never keys, user ids, session ids or content.
 */
export class ServerMetrics implements TurnObserver {
  readonly registry = new Registry();
  private readonly turns: Counter<'outcome' | 'error_code'>;
  private readonly turnSeconds: Histogram<'outcome'>;
  private readonly queueWaitSeconds: Histogram;
  private readonly firstDeltaSeconds: Histogram;
  private readonly tokens: Counter<'tenant' | 'kind'>;
  private readonly cost: Counter<'tenant'>;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpSeconds: Histogram<'method' | 'route'>;
  private readonly storeSeconds: Histogram<'operation'>;
  private readonly storeErrors: Counter<'operation' | 'code'>;
  private readonly forwards: Counter<'outcome'>;

  constructor() {
    const registers = [this.registry];
    // The server's own RSS is prom-client's process_resident_memory_bytes.
    collectDefaultMetrics({ register: this.registry });

    this.turns = new Counter({
      name: `${PREFIX}turns_total`,
      help: 'Turns that ended, by outcome (success, error_result: the CLI ended it with an error, failed) and error code',
      labelNames: ['outcome', 'error_code'],
      registers,
    });
    this.turnSeconds = new Histogram({
      name: `${PREFIX}turn_duration_seconds`,
      help: 'Running time of a turn, from taking its slot to its end',
      labelNames: ['outcome'],
      buckets: TURN_BUCKETS,
      registers,
    });
    this.queueWaitSeconds = new Histogram({
      name: `${PREFIX}turn_queue_wait_seconds`,
      help: "Time a turn waited in the agent's admission for its slot",
      buckets: TURN_BUCKETS,
      registers,
    });
    this.firstDeltaSeconds = new Histogram({
      name: `${PREFIX}turn_first_delta_seconds`,
      help: 'Time from the start of a streamed turn to its first answer text',
      buckets: TURN_BUCKETS,
      registers,
    });
    this.tokens = new Counter({
      name: `${PREFIX}tokens_total`,
      help: 'Tokens of answered turns, by tenant and kind (input, output, cache_creation_input, cache_read_input)',
      labelNames: ['tenant', 'kind'],
      registers,
    });
    this.cost = new Counter({
      name: `${PREFIX}cost_usd_total`,
      help: 'Cost in USD of answered turns, as the CLI reports it, by tenant',
      labelNames: ['tenant'],
      registers,
    });
    this.httpRequests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpSeconds = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'Time to answer an HTTP request (to its last byte; a stream lasts its whole turn)',
      labelNames: ['method', 'route'],
      buckets: TURN_BUCKETS,
      registers,
    });
    this.storeSeconds = new Histogram({
      name: `${PREFIX}store_operation_duration_seconds`,
      help: 'Latency of session store operations, by method',
      labelNames: ['operation'],
      buckets: STORE_BUCKETS,
      registers,
    });
    this.storeErrors = new Counter({
      name: `${PREFIX}store_operation_errors_total`,
      help: 'Session store operations that threw, by method and error code',
      labelNames: ['operation', 'code'],
      registers,
    });
    this.forwards = new Counter({
      name: `${PREFIX}forwarded_requests_total`,
      help: 'Chat requests sent to the node holding their session warm, by outcome (answered: that node answered; unreachable: answered here instead; node_lost: that node went away after taking it)',
      labelNames: ['outcome'],
      registers,
    });
  }

  /** One chat request sent to the node holding its session (see SessionAffinity). */
  forwarded(outcome: ForwardMetricOutcome): void {
    this.forwards.inc({ outcome });
  }

  /** Gauges and counters read from the agent (its admission and pool) when scraped. */
  observeAgent(agent: ClaudeAgent): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name: `${PREFIX}${name}`,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('turns_running', 'Turns holding a slot now', () => agent.admissionStats().running);
    gauge(
      'turns_queued',
      'Messages waiting for a slot or for their session',
      () => agent.admissionStats().queued,
    );
    gauge('pool_live_processes', 'CLI processes alive, starting or closing', () => agent.stats().pool.live);
    gauge(
      'cli_resident_memory_bytes',
      "Resident memory of the pool's CLI processes and the tools they run (the pool's own /proc reading)",
      () => agent.stats().pool.rssBytes,
    );
    gauge('pool_busy_sessions', 'Warm sessions running a turn', () => agent.stats().pool.busy);
    gauge('pool_idle_sessions', 'Warm sessions kept for their next turn', () => agent.stats().pool.idle);
    gauge(
      'pool_spare_processes',
      'Processes started ahead for new conversations',
      () => agent.stats().pool.spares,
    );
    const counter = (name: string, help: string, read: () => number) =>
      mirroredCounter(this.registry, `${PREFIX}${name}`, help, read);
    counter('pool_processes_spawned_total', 'CLI processes started', () => agent.stats().pool.spawned);
    counter(
      'pool_sessions_evicted_total',
      'Idle sessions closed to make room or after their idle timeout',
      () => agent.stats().pool.evicted,
    );
    counter(
      'pool_processes_crashed_total',
      'CLI processes that exited without being asked to',
      () => agent.stats().pool.crashed,
    );
    counter(
      'fresh_sessions_total',
      'Turns that started a new Claude conversation (stored transcript gone)',
      () => agent.stats().freshSessions,
    );
  }

  started(_turn: PreparedTurn, waitedMs: number): void {
    this.queueWaitSeconds.observe(waitedMs / 1000);
  }

  firstDelta(_turn: PreparedTurn, afterMs: number): void {
    this.firstDeltaSeconds.observe(afterMs / 1000);
  }

  finished(turn: PreparedTurn, response: AgentResponse, runMs: number): void {
    const outcome = response.success ? 'success' : 'error_result';
    this.turns.inc({ outcome, error_code: response.error?.code ?? 'none' });
    this.turnSeconds.observe({ outcome }, runMs / 1000);
    const { usage } = response;
    const tenant = turn.tenant;
    this.tokens.inc({ tenant, kind: 'input' }, usage.inputTokens);
    this.tokens.inc({ tenant, kind: 'output' }, usage.outputTokens);
    this.tokens.inc({ tenant, kind: 'cache_creation_input' }, usage.cacheCreationInputTokens);
    this.tokens.inc({ tenant, kind: 'cache_read_input' }, usage.cacheReadInputTokens);
    this.cost.inc({ tenant }, response.costUsd);
  }

  failed(_turn: PreparedTurn, error: HttpError, runMs: number | undefined): void {
    this.turns.inc({ outcome: 'failed', error_code: error.code });
    if (runMs !== undefined) this.turnSeconds.observe({ outcome: 'failed' }, runMs / 1000);
  }

  /** One answered HTTP request. */
  request(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpSeconds.observe({ method, route }, seconds);
  }

  /** One store operation; `errorCode` when it threw. */
  storeOperation(operation: string, seconds: number, errorCode?: string): void {
    this.storeSeconds.observe({ operation }, seconds);
    if (errorCode !== undefined) this.storeErrors.inc({ operation, code: errorCode });
  }
}
