import { createMemoryJobQueue } from '../src/index.js';
import { runJobQueueConformance } from '../src/testing/index.js';

runJobQueueConformance('memory', { create: () => createMemoryJobQueue(), durable: false });
