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
