import { AuthenticationError, NotFoundError } from '@claude-code-server/client';
import { useEffect, useState } from 'preact/hooks';
import type { Connection } from '../api/connection.js';
import { type MetricSample, parsePrometheusText, sumOf } from '../api/prometheus-text.js';
import type { Health } from '../api/types.js';
import { describeError, formatBytes, formatCost } from '../format.js';
import { loadMetricsToken, saveMetricsToken } from '../state/saved.js';

const REFRESH_MS = 5000;

function metricsProblem(error: unknown): string {
  if (error instanceof NotFoundError) {
    return 'Metrics are off on this server (metrics.enabled: true turns them on).';
  }
  if (error instanceof AuthenticationError) {
    return 'Metrics need their own token (metrics.token, not an API key): enter it above.';
  }
  return `Metrics could not be read: ${describeError(error)}`;
}

function Figure({ label, value }: { label: string; value: string | number }) {
  return (
    <div class="figure">
      <div class="figure-value">{value}</div>
      <div class="figure-label">{label}</div>
    </div>
  );
}

/** Health, the warm process pool and the turn counters, read every few seconds. */
export function StatusView({ connection }: { connection: Connection }) {
  const { client } = connection;
  const [health, setHealth] = useState<Health | null>(null);
  const [healthProblem, setHealthProblem] = useState<string | null>(null);
  const [samples, setSamples] = useState<MetricSample[] | null>(null);
  const [metricsError, setMetricsError] = useState<string | null>(null);
  const [token, setToken] = useState(loadMetricsToken);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    // A 503 still answers with the report (unhealthy, shutting down).
    client
      .health()
      .then((body) => {
        setHealth(body);
        setHealthProblem(null);
      })
      .catch((error: unknown) => setHealthProblem(describeError(error)));
    client
      .metrics(token || undefined)
      .then((text) => {
        setSamples(parsePrometheusText(text));
        setMetricsError(null);
      })
      .catch((error: unknown) => {
        setSamples(null);
        setMetricsError(metricsProblem(error));
      });
    const timer = setTimeout(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearTimeout(timer);
  }, [tick, token]);

  const sum = (name: string, where?: Record<string, string>) => (samples ? sumOf(samples, name, where) : 0);
  return (
    <section class="status">
      <h2>Health</h2>
      {health && (
        <div class="health" data-testid="health" data-status={health.status}>
          <span class={`badge badge-${health.status}`}>{health.status.replace('_', ' ')}</span>
          <span>
            server {health.version} · claude {health.claude_version ?? 'unknown'} · store {health.store}
          </span>
          {health.problems?.map((problem) => (
            <div class="error" key={problem}>
              {problem}
            </div>
          ))}
        </div>
      )}
      {healthProblem && <div class="error">{healthProblem}</div>}

      <h2>Pool and turns</h2>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          const field = event.currentTarget.elements.namedItem('token') as HTMLInputElement;
          saveMetricsToken(field.value);
          setToken(field.value);
        }}
      >
        <input
          name="token"
          type="password"
          placeholder="metrics token (if the server needs one)"
          aria-label="Metrics token"
          defaultValue={token}
        />
        <button type="submit">Use</button>
      </form>
      {metricsError && <div class="notice">{metricsError}</div>}
      {samples && (
        <div class="figures" data-testid="metrics">
          <Figure label="live CLI processes" value={sum('ccs_pool_live_processes')} />
          <Figure label="busy sessions" value={sum('ccs_pool_busy_sessions')} />
          <Figure label="idle sessions" value={sum('ccs_pool_idle_sessions')} />
          <Figure label="spare processes" value={sum('ccs_pool_spare_processes')} />
          <Figure label="turns running" value={sum('ccs_turns_running')} />
          <Figure label="turns queued" value={sum('ccs_turns_queued')} />
          <Figure label="turns answered" value={sum('ccs_turns_total', { outcome: 'success' })} />
          <Figure
            label="turns failed"
            value={
              sum('ccs_turns_total', { outcome: 'failed' }) +
              sum('ccs_turns_total', { outcome: 'error_result' })
            }
          />
          <Figure label="cost" value={formatCost(sum('ccs_cost_usd_total'))} />
          <Figure label="tokens" value={sum('ccs_tokens_total').toLocaleString('en')} />
          <Figure label="CLI memory" value={formatBytes(sum('ccs_cli_resident_memory_bytes'))} />
          <Figure label="server memory" value={formatBytes(sum('process_resident_memory_bytes'))} />
        </div>
      )}
    </section>
  );
}
