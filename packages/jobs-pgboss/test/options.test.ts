import { InvalidJobInputError, JobQueueUnavailableError } from '@claude-code-server/jobs';
import { expect, it } from 'vitest';
import { createPgBossJobQueue } from '../src/index.js';

it('fails a call with STORE_UNAVAILABLE when PostgreSQL cannot be reached', async () => {
  const queue = createPgBossJobQueue({ name: 'tasks', url: 'postgres://postgres@127.0.0.1:1/test' });
  for (let attempt = 0; attempt < 2; attempt++) {
    const error = await queue.enqueue('task_1', 'x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JobQueueUnavailableError);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/enqueue failed: .*ECONNREFUSED/);
  }
  await queue.close();
});

it('names a schema it cannot use', () => {
  const error = (() => {
    try {
      createPgBossJobQueue({ name: 'tasks', schema: 'Bad-Schema' });
    } catch (caught) {
      return caught;
    }
  })();
  expect(error).toBeInstanceOf(InvalidJobInputError);
  expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'schema' });
});
