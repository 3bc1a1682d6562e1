import { mergeConfig } from 'vitest/config';
import { workspaceTestConfig } from '../../vitest.shared.js';

// Test files run one at a time: each starts a real server with real CLI processes on shared cores.
export default mergeConfig(workspaceTestConfig(), { test: { fileParallelism: false } });
