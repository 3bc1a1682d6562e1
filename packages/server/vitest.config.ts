import { mergeConfig } from 'vitest/config';
import { workspaceTestConfig } from '../../vitest.shared.js';

// Test files run one at a time: each starts real CLI processes, and the machine's cores are shared.
export default mergeConfig(workspaceTestConfig(), { test: { fileParallelism: false } });
