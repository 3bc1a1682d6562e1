import type { StoreConfig } from '../config/app-config-schema.js';
import { AppError } from '../errors.js';
import { createStoreFromConfig } from '../store/create-store.js';
import { describeStore, storeAdvice } from '../store/describe-store.js';
import { type CheckResult, fail, pass } from './check-result.js';

/** The configured store opens and answers a read. */
export async function checkStore(config: StoreConfig): Promise<CheckResult> {
  try {
    const store = await createStoreFromConfig(config);
    await store.close();
    return pass('store', `${describeStore(config)} answered`);
  } catch (error) {
    const message = error instanceof AppError ? error.message.split('. To fix: ')[0] : String(error);
    return fail('store', message ?? 'the store did not answer', storeAdvice(config));
  }
}
