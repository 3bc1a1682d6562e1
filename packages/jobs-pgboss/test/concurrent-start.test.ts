import { randomUUID } from 'node:crypto';
import type { JobQueue } from '@claude-code-server/jobs';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createPgBossJobQueue } from '../src/index.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];

afterAll(async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

it('starts several nodes at once on a new schema (each its own connections), every one working the queue', async () => {
  for (let round = 0; round < 3; round++) {
    const schema = `ccs_start_${randomUUID().slice(0, 8)}`;
    schemas.push(schema);
    const queues: JobQueue[] = Array.from({ length: 4 }, () =>
      createPgBossJobQueue({ name: 'tasks', url: DATABASE_URL, schema }),
    );
    const ran: string[] = [];
    try {
      const started = await Promise.allSettled(
        queues.map((queue) =>
          queue.work(
            async (job) => {
              ran.push(job.taskId);
            },
            { concurrency: 1 },
          ),
        ),
      );
      expect(started.map((outcome) => outcome.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'fulfilled',
      ]);
      await (queues[0] as JobQueue).enqueue(`task_${round}`, { round });
      for (const deadline = Date.now() + 10_000; ran.length === 0 && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(ran).toEqual([`task_${round}`]);
    } finally {
      await Promise.all(queues.map((queue) => queue.close()));
    }
  }
});
