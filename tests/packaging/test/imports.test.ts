import { expect, it } from 'vitest';
import { importedPackages } from '../src/imports.js';

it('finds the packages that emitted JavaScript and declarations import, and nothing in strings or comments', () => {
  const source = [
    "import Database from 'better-sqlite3';",
    "import type { Pool } from 'pg';",
    'import {',
    '  a,',
    '  b,',
    "} from '@scope/pkg/sub';",
    "export * from '@claude-code-server/store';",
    "import 'side-effect';",
    "const later = await import('lazy');",
    "const ui = createRequire(import.meta.url).resolve('swagger-ui-dist/package.json');",
    "import { readFile } from 'node:fs';",
    "import { join } from 'path';",
    "import { local } from './local.js';",
    'export const LIMITS = {',
    '  /** Ten years: longer is indistinguishable from "never" and overflows timers. */',
    '  maxTtlMs: 315_360_000_000,',
    '};',
    "const message = `pick one from 'the list'`;",
    "path.resolve('dist');",
  ].join('\n');
  expect([...importedPackages(source)].sort()).toEqual(
    [
      '@claude-code-server/store',
      '@scope/pkg',
      'better-sqlite3',
      'lazy',
      'pg',
      'side-effect',
      'swagger-ui-dist',
    ].sort(),
  );
});
