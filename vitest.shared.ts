import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

/**
 * Shared test config: workspace packages resolve to their sources, so a package's tests never
 * need its dependencies built first.
 */
export function workspaceTestConfig(options: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: {
      alias: [
        {
          find: /^@claude-code-server\/([a-z-]+)\/([a-z-]+)$/,
          replacement: `${packagesDir}$1/src/$2/index.ts`,
        },
        { find: /^@claude-code-server\/([a-z-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
      ],
    },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 60_000,
      hookTimeout: 60_000,
    },
  });
}
