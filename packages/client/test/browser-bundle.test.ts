import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

// What a browser app that imports the client bundles: the client, the error codes and
// eventsource-parser; never the server, express, the CLI or a Node built-in.
it('bundles for the browser with nothing of the server, the CLI or Node', async () => {
  const result = await build({
    absWorkingDir: new URL('..', import.meta.url).pathname,
    entryPoints: ['src/index.ts'],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const packages = new Set(
    inputs.map(
      (input) =>
        /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? 'own',
    ),
  );
  expect([...packages].sort()).toEqual(['eventsource-parser', 'own']);
  const own = inputs.filter((input) => !input.includes('node_modules'));
  expect(own.filter((input) => !/^(src\/|\.\.\/errors\/)/.test(input))).toEqual([]);
});

// The sources use only what browsers have: they compile with the DOM library and no Node types, and
// the browser's own WebSocket constructor fits the client's option.
it('compiles for the browser without Node types', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ccs-client-dom-'));
  try {
    const sources = fileURLToPath(new URL('../src/index.js', import.meta.url));
    await writeFile(
      join(dir, 'page.ts'),
      `import { ClaudeCodeServerClient } from ${JSON.stringify(sources)};\n` +
        'new ClaudeCodeServerClient({ baseUrl: location.origin, WebSocket });\n',
    );
    const compilerOptions = {
      target: 'ES2022',
      lib: ['ES2023', 'DOM'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['page.ts'] }));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
