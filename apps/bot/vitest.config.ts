import { mergeConfig } from 'vitest/config';
import { workspaceTestConfig } from '../../vitest.shared.js';

export default mergeConfig(workspaceTestConfig({ testTimeout: 120_000 }), {
  test: {
    // The service tests start real CLI processes: one file at a time on two shared cores.
    fileParallelism: false,
  },
});
