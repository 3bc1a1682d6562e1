import { StoreError, StoreUnavailableError } from '@claude-code-server/store';

/** Our own errors pass through; anything from the driver or server becomes StoreUnavailableError. */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`redis: ${detail}`, { cause: error });
}
