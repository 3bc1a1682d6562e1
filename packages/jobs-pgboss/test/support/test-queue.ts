import { randomUUID } from 'node:crypto';
import type { JobQueueFactoryOptions } from '@claude-code-server/jobs/testing';
import pg from 'pg';
import { createPgBossJobQueue } from '../../src/index.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// One schema per run, shared with the worker processes the suite starts (they inherit the variable).
process.env.CCS_JOBS_TEST_SCHEMA ??= `ccs_jobs_t${randomUUID().slice(0, 8)}`;
const schema = process.env.CCS_JOBS_TEST_SCHEMA;

/** A queue for the tests: a 1 s heartbeat expiry, so a killed worker's job comes back within about 2 s. */
export default function createTestQueue({ name }: JobQueueFactoryOptions) {
  return createPgBossJobQueue({ name, url, schema, staleAfterMs: 1000, pollIntervalMs: 200 });
}

export const DEAD_WORKER_BOUND_MS = 2000;

/** Drops the run's schema. */
export async function cleanup(): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
