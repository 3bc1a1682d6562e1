import { createMemoryState } from '@chat-adapter/state-memory';
import type { StateAdapter } from 'chat';

/**
 * Chat SDK's in-memory state. @chat-adapter/state-memory 4.41.0 is typed against chat 4.41.0 and these
 * tests run chat 4.41.1: the same StateAdapter, declared by two copies, which TypeScript tells apart.
 */
export function memoryState(): StateAdapter {
  return createMemoryState() as unknown as StateAdapter;
}
