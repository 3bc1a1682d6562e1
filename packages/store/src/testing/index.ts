import { afterAll, afterEach, describe } from 'vitest';
import { defineExpiryTests } from './expiry-tests.js';
import { createHarness, type SessionStoreConformanceOptions } from './harness.js';
import { defineLeaseTests } from './lease-tests.js';
import { defineLifecycleTests } from './lifecycle-tests.js';
import { defineListTests } from './list-tests.js';
import { defineMessageTests } from './message-tests.js';
import { defineSessionTests } from './session-tests.js';
import { defineTaskTests } from './task-tests.js';
import { defineTranscriptTests } from './transcript-tests.js';

export type { SessionStoreConformanceOptions, SessionStoreFactoryOptions } from './harness.js';

/** Registers the SessionStore conformance suite (vitest) for the stores `options.create` makes. */
export function runSessionStoreConformance(name: string, options: SessionStoreConformanceOptions): void {
  describe(`${name} conforms to SessionStore`, () => {
    const h = createHarness(options);
    afterEach(() => h.closeAll());
    afterAll(async () => {
      await h.closeAll();
      await options.cleanup?.();
    });
    defineSessionTests(h);
    defineListTests(h);
    defineMessageTests(h);
    defineTranscriptTests(h);
    defineLeaseTests(h);
    defineExpiryTests(h);
    defineLifecycleTests(h);
    defineTaskTests(h);
  });
}
