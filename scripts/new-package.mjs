// One-off scaffolding used to lay out the workspace packages consistently.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

const [dir, name, description, depsJson = '{}', devDepsJson = '{}'] = process.argv.slice(2);
mkdirSync(`${dir}/src`, { recursive: true });
const pkg = {
  name,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  engines: { node: '>=20' },
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'README.md'],
  scripts: {
    build: 'tsc -p tsconfig.build.json',
    typecheck: 'tsc -p tsconfig.json --noEmit',
    test: 'vitest run',
  },
  dependencies: JSON.parse(depsJson),
  devDependencies: JSON.parse(devDepsJson),
};
writeFileSync(`${dir}/package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  `${dir}/tsconfig.json`,
  `${JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src', 'test', '*.ts'] }, null, 2)}\n`,
);
writeFileSync(
  `${dir}/tsconfig.build.json`,
  `${JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src'], exclude: ['src/**/*.test.ts', 'src/**/*.bench.ts'] }, null, 2)}\n`,
);
writeFileSync(
  `${dir}/vitest.config.ts`,
  `import { workspaceTestConfig } from '../../vitest.shared.js';\n\nexport default workspaceTestConfig();\n`,
);
if (!existsSync(`${dir}/README.md`)) writeFileSync(`${dir}/README.md`, `# ${name}\n\n${description}\n`);
if (!existsSync(`${dir}/src/index.ts`)) writeFileSync(`${dir}/src/index.ts`, `export {};\n`);
