import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));
const appServerShared = fileURLToPath(new URL('./apps/server/src/shared.ts', import.meta.url));

/**
 * Shared test config: workspace packages resolve to their sources, so a package's tests never
 * need its dependencies built first.
 */
export function workspaceTestConfig(options: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: {
      alias: [
        // What apps/bot takes from apps/server (an app, not under packages/).
        { find: /^@claude-code-server\/app-server\/shared$/, replacement: appServerShared },
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
