import { mergeConfig } from 'vitest/config';
import { workspaceTestConfig } from '../../vitest.shared.js';

// Packing every package once (global setup) serves both the contents checks and the scratch install.
export default mergeConfig(workspaceTestConfig({ testTimeout: 120_000 }), {
  test: { globalSetup: ['./test/global-setup.ts'], hookTimeout: 600_000 },
});
