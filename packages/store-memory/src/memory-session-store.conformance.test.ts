import { runSessionStoreConformance } from '@claude-code-server/store/testing';
import { createMemorySessionStore } from './index.js';

runSessionStoreConformance('memory', { create: createMemorySessionStore, sharedNamespace: false });
