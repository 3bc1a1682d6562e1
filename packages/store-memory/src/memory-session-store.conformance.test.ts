import { runSessionStoreConformance } from '@claude-code-server/store/testing';
import { createMemorySessionStore } from './index.js';

runSessionStoreConformance('MemorySessionStore', {
  create: (o) => createMemorySessionStore(o),
  sharedNamespace: false,
});
