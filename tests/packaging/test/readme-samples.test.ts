import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCliTestEnv, findProcessesByEnv } from '@claude-code-server/core/testing';
import { type FakeAnthropic, rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { markedSamples, type ReadmeSample, readmes } from '../src/readmes.js';
import { runNodeProgram } from '../src/run-program.js';
import { compileScratchProject, createScratchProject } from '../src/scratch-project.js';
import { publishablePackages } from '../src/workspace.js';

const samples = readmes().flatMap(markedSamples);
const SAMPLE_TIMEOUT_MS = 90_000;
// Samples name the user's directories /srv/...: each run gets them inside its own directory.
const USER_DIRECTORY = /(['"`])\/srv\/([^'"`]*)\1/g;
const TALKS_TO_THE_CLI = /from '@claude-code-server\/(core|agent|server)'/;

let scratch: string;
let fake: FakeAnthropic;

beforeAll(async () => {
  scratch = await createScratchProject(inject('packed').map((entry) => entry.filename));
  for (const sample of samples) {
    const code = sample.code.replace(USER_DIRECTORY, (_match, _quote, rest: string) =>
      JSON.stringify(join(runDirOf(sample), 'srv', rest)),
    );
    await writeFile(join(scratch, 'samples', sample.fileName), code);
  }
  await writeFile(join(scratch, 'samples', 'entry-points.ts'), entryPointImports());
  fake = await startFakeAnthropic();
  fake.addRule(rules.memory);
}, 600_000);

afterAll(async () => {
  await fake?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

it('finds the marked samples of the READMEs', () => {
  expect(samples.filter((sample) => sample.run).length).toBeGreaterThan(0);
  expect(samples.map((sample) => sample.id)).toContain('packages/core/README.md#1');
});

it('compiles the samples and every entry point, strict and with the packages’ own types checked', async () => {
  const { ok, output } = await compileScratchProject(scratch);
  expect(output).toBe('');
  expect(ok).toBe(true);
});

it.each(samples.filter((sample) => sample.run).map((sample) => [sample.id, sample]))(
  'runs %s to its end against the fake Messages API, leaving no CLI process',
  async (_id, sample) => {
    const runDir = runDirOf(sample);
    for (const match of sample.code.matchAll(USER_DIRECTORY)) {
      await mkdir(join(runDir, 'srv', match[2] ?? ''), { recursive: true });
    }
    await mkdir(runDir, { recursive: true });
    const testEnv = await createCliTestEnv({ baseUrl: fake.url, prefix: 'ccs-readme-sample' });
    const requestsBefore = fake.conversationRequests().length;
    try {
      const outcome = await runNodeProgram(join(scratch, 'out', sample.fileName.replace(/\.ts$/, '.js')), {
        cwd: runDir,
        env: { ...hostEnvWithoutClaude(), ...testEnv.env, CLAUDE_CONFIG_DIR: testEnv.configDir },
        timeoutMs: SAMPLE_TIMEOUT_MS,
      });
      const report = `stdout:\n${outcome.stdout}\nstderr:\n${outcome.stderr}`;
      expect(outcome.timedOut, `still running after ${SAMPLE_TIMEOUT_MS} ms\n${report}`).toBe(false);
      expect(outcome.code, report).toBe(0);
      if (TALKS_TO_THE_CLI.test(sample.code)) {
        expect(fake.conversationRequests().length).toBeGreaterThan(requestsBefore);
      }
      expect(await processesLeftWith(testEnv.configDir)).toEqual([]);
    } finally {
      await testEnv.cleanup();
    }
  },
  SAMPLE_TIMEOUT_MS + 30_000,
);

/** Command lines of processes still carrying the config dir a moment after the sample exited. */
async function processesLeftWith(configDir: string): Promise<string[]> {
  // The host's orphan watchdog (sh + cat) sees its stdin close at the exit and ends within a few ms.
  for (let attempt = 0; attempt < 50; attempt++) {
    if (findProcessesByEnv('CLAUDE_CONFIG_DIR', configDir).length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return findProcessesByEnv('CLAUDE_CONFIG_DIR', configDir).map((pid) => commandLine(pid));
}

function commandLine(pid: number): string {
  try {
    return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`;
  } catch {
    return `${pid}`;
  }
}

function runDirOf(sample: ReadmeSample): string {
  return join(scratch, 'runs', sample.fileName.replace(/\.ts$/, ''));
}

/** One import of every subpath every package exports, so each declaration file is compiled. */
function entryPointImports(): string {
  const specifiers = publishablePackages().flatMap(({ manifest }) =>
    Object.keys(manifest.exports ?? { '.': '' }).map((subpath) => `${manifest.name}${subpath.slice(1)}`),
  );
  return specifiers
    .map((specifier, index) => `export type * as entry${index} from '${specifier}';\n`)
    .join('');
}

/** The host's environment less anything that would point the CLI at a real account or config. */
function hostEnvWithoutClaude(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(ANTHROPIC_|CLAUDE)/.test(name)),
  ) as NodeJS.ProcessEnv;
}
