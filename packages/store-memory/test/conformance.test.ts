import { runSessionStoreConformance } from '@claude-code-server/store/testing';
import { createMemorySessionStore } from '../src/index.js';

runSessionStoreConformance('memory', { create: createMemorySessionStore, sharedNamespace: false });
