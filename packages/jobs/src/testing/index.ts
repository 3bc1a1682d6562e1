import { afterAll, afterEach, describe } from 'vitest';
import { defineBasicTests } from './basic-tests.js';
import { defineCancelTests } from './cancel-tests.js';
import { defineDurableTests } from './durable-tests.js';
import { createHarness, type JobQueueConformanceOptions } from './harness.js';

export type { JobQueueConformanceOptions, JobQueueFactoryOptions } from './harness.js';

/** Registers the JobQueue conformance suite (vitest) for the queues `options.create` makes. */
export function runJobQueueConformance(name: string, options: JobQueueConformanceOptions): void {
  describe(`${name} conforms to JobQueue`, () => {
    const h = createHarness(options);
    afterEach(() => h.closeAll());
    afterAll(async () => {
      await h.closeAll();
      await options.cleanup?.();
    });
    defineBasicTests(h);
    defineCancelTests(h);
    defineDurableTests(h);
  });
}
