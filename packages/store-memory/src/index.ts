export {
  createMemorySessionStore,
  MemorySessionStore,
  type MemorySessionStoreOptions,
} from './memory-session-store.js';
