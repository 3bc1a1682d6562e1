import { randomUUID } from 'node:crypto';
import { withAdmin } from './database.js';

/** An application_name unique to one test, to find that test's backends in pg_stat_activity. */
export function uniqueApplicationName(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** `databaseUrl` with an application_name, so the connections it makes can be found. */
export function withApplicationName(databaseUrl: string, applicationName: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', applicationName);
  return url.toString();
}

/** Process ids of the backends connected with `applicationName`, optionally only those in `waitEvent`. */
export function backendsOf(applicationName: string, waitEvent?: 'Lock'): Promise<number[]> {
  return withAdmin(async (client) => {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE application_name = $1 AND ($2::text IS NULL OR wait_event_type = $2)`,
      [applicationName, waitEvent ?? null],
    );
    return rows.map((row) => row.pid);
  });
}

/** Polls until `check` returns a truthy value (or gives up after `attempts` tries, returning the last). */
export async function eventually<T>(check: () => Promise<T>, attempts = 200): Promise<T> {
  let result = await check();
  for (let i = 1; i < attempts && !result; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    result = await check();
  }
  return result;
}

/** Ends the given backends the way an admin or a failover would. */
export function terminateBackends(pids: number[]): Promise<void> {
  return withAdmin(async (client) => {
    await client.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
  });
}
