/**
 * The `claude` versions this release of core was tested against (the whole suite passes with each
 * end of the range); the pinned `@anthropic-ai/claude-code` is the newest.
 */
export const SUPPORTED_CLI_VERSIONS = { oldest: '2.1.197', newest: '2.1.332' } as const;

/** Where a CLI version stands against SUPPORTED_CLI_VERSIONS. */
export interface CliVersionSupport {
  version: string;
  /** `older` / `newer`: outside the tested range; `unknown`: not a `x.y.z` version. */
  status: 'supported' | 'older' | 'newer' | 'unknown';
  /** For anything but `supported`: one sentence saying what it means, for a log or a health check. */
  warning?: string;
}

function parts(version: string): number[] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return match ? match.slice(1, 4).map(Number) : undefined;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i += 1) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Says whether `version` (as `getCliVersion` returns it) is in the range this release was tested with. */
export function checkCliVersion(version: string): CliVersionSupport {
  const { oldest, newest } = SUPPORTED_CLI_VERSIONS;
  const range = `${oldest} to ${newest}`;
  const found = parts(version);
  if (!found) {
    return { version, status: 'unknown', warning: `claude version '${version}' is not one of ${range}` };
  }
  if (compare(found, parts(oldest) as number[]) < 0) {
    return {
      version,
      status: 'older',
      warning: `claude ${version} is older than the versions this release was tested with (${range}): update it`,
    };
  }
  if (compare(found, parts(newest) as number[]) > 0) {
    return {
      version,
      status: 'newer',
      warning: `claude ${version} is newer than the versions this release was tested with (${range}): it may print or send what this release does not read`,
    };
  }
  return { version, status: 'supported' };
}
