import { mergeConfig } from 'vitest/config';
import { workspaceTestConfig } from '../../vitest.shared.js';

// The browser test starts a real server, CLI processes and Chromium: one file at a time.
export default mergeConfig(workspaceTestConfig({ testTimeout: 120_000 }), {
  test: { globalSetup: ['./test/global-setup.ts'], fileParallelism: false },
});
