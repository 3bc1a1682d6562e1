// The two statements pg-boss 10 has no API for, on its own job table (the range of pg-boss is pinned
// to ~10.4 for this): a heartbeat that moves a running job's expiry on, and a drop that deletes a job
// only while it still waits (deleteJob would delete a running one too).

/** Renews the expiry of the running jobs given: pg-boss expires `started_on + expire_in`. */
export function heartbeatSql(schema: string): string {
  return `UPDATE ${schema}.job SET started_on = now() WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`;
}

/** Deletes the job if it has not started; returns a row when it did. */
export function dropWaitingSql(schema: string): string {
  return `DELETE FROM ${schema}.job WHERE name = $1 AND id = $2 AND state IN ('created', 'retry') RETURNING id`;
}

/** A schema name pg-boss accepts and SQL can use unquoted. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,50}$/;
