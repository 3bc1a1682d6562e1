// A node's worker for the dead-node test: opens the task queue with the options it is given, prints
// the task id of the first job it takes, and holds it until it is killed (kill -9, mid-turn).
import { createBullMQJobQueue } from '@claude-code-server/jobs-bullmq';
import { createPgBossJobQueue } from '@claude-code-server/jobs-pgboss';

const [kind, json] = process.argv.slice(2) as ['bullmq' | 'pg-boss', string];
const options = JSON.parse(json);
const queue = kind === 'bullmq' ? createBullMQJobQueue(options) : createPgBossJobQueue(options);
await queue.work(
  async (job) => {
    process.stdout.write(`took ${job.taskId}\n`);
    await new Promise(() => {});
  },
  { concurrency: 1 },
);
