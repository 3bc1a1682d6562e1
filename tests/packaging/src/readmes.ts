import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './workspace.js';

export interface Readme {
  /** Path from the repository root, e.g. `packages/core/README.md`. */
  path: string;
  text: string;
}

/** The root README and those of every package folder, apps and examples included. */
export function readmes(): Readme[] {
  const dirs = [repoRoot];
  for (const parent of ['packages', 'apps', 'tests']) {
    for (const entry of readdirSync(join(repoRoot, parent), { withFileTypes: true })) {
      if (entry.isDirectory()) dirs.push(join(repoRoot, parent, entry.name));
    }
  }
  dirs.push(join(repoRoot, 'examples'));
  return dirs
    .map((dir) => join(dir, 'README.md'))
    .filter((file) => existsSync(file))
    .map((file) => ({ path: relative(repoRoot, file), text: readFileSync(file, 'utf8') }));
}

/** A fenced TypeScript block that a README marks for this test. */
export interface ReadmeSample {
  /** `packages/core/README.md#2`: the README and the sample's place among its marked ones. */
  id: string;
  /** A file name for the sample, e.g. `core-2.ts`. */
  fileName: string;
  /** Marked "compiles and runs" (else only "compiles"). */
  run: boolean;
  code: string;
}

// The marker stands on the line before the fence, e.g. `<!-- tests/packaging compiles and runs this sample -->`.
const MARKED_SAMPLE =
  /<!-- tests\/packaging (compiles and runs|compiles) this sample -->\s*\n```ts\n([\s\S]*?)\n```/g;

export function markedSamples(readme: Readme): ReadmeSample[] {
  const folder = readme.path.split('/').at(-2) ?? 'root';
  return [...readme.text.matchAll(MARKED_SAMPLE)].map((match, index) => ({
    id: `${readme.path}#${index + 1}`,
    fileName: `${folder}-${index + 1}.ts`,
    run: match[1] === 'compiles and runs',
    code: `${match[2]}\n`,
  }));
}

/** An `npm install` command line of a README, split into its arguments (flags and comments left out). */
export function npmInstallCommands(readme: Readme): string[][] {
  const commands: string[][] = [];
  for (const line of readme.text.split('\n')) {
    const match = /^\s*npm install\s+(.*)$/.exec(line);
    if (!match) continue;
    const args = (match[1] ?? '')
      .replace(/\s#.*$/, '')
      .trim()
      .split(/\s+/);
    commands.push(args.filter((arg) => arg !== '' && !arg.startsWith('-')).flatMap(expandBraces));
  }
  return commands;
}

/** The shell's brace expansion of one word: `a-{b,c}.tgz` -> `a-b.tgz`, `a-c.tgz`. */
export function expandBraces(word: string): string[] {
  const match = /^(.*?)\{([^{}]*)\}(.*)$/.exec(word);
  if (!match) return [word];
  const [, before = '', alternatives = '', after = ''] = match;
  return alternatives.split(',').flatMap((alternative) => expandBraces(`${before}${alternative}${after}`));
}
