import { mergeConfig } from 'vitest/config';
import { workspaceTestConfig } from '../../vitest.shared.js';

// The first run builds the base image (debootstrap) and the server image: minutes, not seconds.
export default mergeConfig(workspaceTestConfig({ testTimeout: 120_000 }), {
  test: { hookTimeout: 1_200_000 },
});
