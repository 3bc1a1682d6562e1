import { describe, expect, it } from 'vitest';
import { CLI_PATH_ENV, getCliVersion } from './cli-path.js';
import { checkCliVersion, SUPPORTED_CLI_VERSIONS } from './cli-version.js';

const { oldest, newest } = SUPPORTED_CLI_VERSIONS;

describe('checkCliVersion', () => {
  it('accepts both ends of the tested range without a warning', () => {
    expect(checkCliVersion(oldest)).toEqual({ version: oldest, status: 'supported' });
    expect(checkCliVersion(newest)).toEqual({ version: newest, status: 'supported' });
  });

  it('warns about a version outside the range, naming the range', () => {
    const [major, minor, patch] = oldest.split('.').map(Number) as [number, number, number];
    const older = checkCliVersion(patch > 0 ? `${major}.${minor}.${patch - 1}` : `${major - 1}.99.99`);
    expect(older).toMatchObject({ status: 'older' });
    expect(older.warning).toContain(`${oldest} to ${newest}`);
    const newer = checkCliVersion(`${Number(newest.split('.')[0]) + 1}.0.0`);
    expect(newer).toMatchObject({ status: 'newer' });
    expect(newer.warning).toContain(`${oldest} to ${newest}`);
    expect(checkCliVersion('not a version')).toMatchObject({ status: 'unknown' });
  });

  it('accepts the CLI this package installs (its pinned @anthropic-ai/claude-code)', async () => {
    const saved = process.env[CLI_PATH_ENV];
    delete process.env[CLI_PATH_ENV];
    try {
      expect(checkCliVersion(await getCliVersion({})).status).toBe('supported');
    } finally {
      if (saved !== undefined) process.env[CLI_PATH_ENV] = saved;
    }
  });
});
