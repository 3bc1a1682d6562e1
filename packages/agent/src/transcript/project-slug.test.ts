import { access, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClaudeCodeClient } from '@claude-code-server/core';
import { type FakeAnthropic, rules, startFakeAnthropic } from '@claude-code-server/fake-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTranscriptFile, writeTranscriptFile } from './local-transcript.js';
import { canonicalCwd, projectSlug, transcriptPath } from './project-slug.js';

describe('projectSlug', () => {
  it('replaces every character outside [A-Za-z0-9] with a dash', () => {
    expect(projectSlug('/tmp/a b_c.d/é')).toBe('-tmp-a-b-c-d--');
  });

  it('cuts names past 200 characters and appends a base-36 hash of the whole path', () => {
    const long = `/tmp/${'x'.repeat(120)}/${'y'.repeat(120)}`;
    const slug = projectSlug(long);
    expect(slug.slice(0, 200)).toBe(long.replace(/[^a-zA-Z0-9]/g, '-').slice(0, 200));
    expect(slug).toMatch(/^.{200}-[0-9a-z]+$/);
    expect(projectSlug(`${long}z`)).not.toBe(slug);
  });
});

// The real CLI decides where transcripts go; these runs check that we agree with it.
describe('transcript location and portability (real CLI)', () => {
  let fake: FakeAnthropic;
  let root: string;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    fake.addRule(rules.memory);
    root = await mkdtemp(join(tmpdir(), 'agent-slug-'));
  });
  afterAll(async () => {
    await fake?.close();
    await rm(root, { recursive: true, force: true });
  });

  const env = () => ({
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'test-key',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    HOME: root,
  });

  it('finds the file of a long, odd, symlinked working directory, and resumes it from a fresh config dir', async () => {
    const real = join(root, `with space_and.dots-${'l'.repeat(110)}`, 'n'.repeat(100));
    await mkdir(real, { recursive: true });
    const linked = join(root, 'link');
    await symlink(real, linked);
    const firstDir = join(root, 'config-a');
    const client = new ClaudeCodeClient({ env: env(), configDir: firstDir, cwd: linked });
    const first = await client.chat('My name is Zoe');

    const cwd = await canonicalCwd(linked);
    expect(cwd).toBe(real);
    expect(projectSlug(cwd).length).toBeGreaterThan(200);
    const path = transcriptPath(firstDir, cwd, first.sessionId);
    await access(path);

    // Another machine: an empty config dir with only the transcript written back.
    const secondDir = join(root, 'config-b');
    const transcript = (await readTranscriptFile(path))?.toString('utf8') ?? '';
    await writeTranscriptFile(transcriptPath(secondDir, cwd, first.sessionId), transcript);
    const elsewhere = new ClaudeCodeClient({ env: env(), configDir: secondDir, cwd: real });
    const second = await elsewhere.chat('What is my name?', { resume: first.sessionId });
    expect(second.content).toBe('Your name is Zoe.');
    expect(second.sessionId).toBe(first.sessionId);
  });
});
