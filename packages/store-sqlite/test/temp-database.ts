import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp directory for database files; `cleanup` removes it. */
export function makeTempDir(): { dir: string; file(name?: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
  let count = 0;
  return {
    dir,
    file: (name) => join(dir, name ?? `sessions-${++count}.db`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
