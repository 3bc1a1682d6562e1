import { realpath } from 'node:fs/promises';
import { join } from 'node:path';

/** The CLI keeps slugs up to this many characters whole; longer ones are cut and given a hash. */
const MAX_SLUG_LENGTH = 200;

/** The CLI's 32-bit string hash (over UTF-16 code units), as it names long project directories. */
function cliStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = ((hash << 5) - hash + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * The directory name the CLI gives a working directory under `projects/`: every character outside
 * [A-Za-z0-9] becomes `-`; past 200 characters the name is cut and `-<hash in base 36>` appended.
 */
export function projectSlug(cwd: string): string {
  const slug = cwd.replace(/[^a-zA-Z0-9]/g, '-');
  if (slug.length <= MAX_SLUG_LENGTH) return slug;
  return `${slug.slice(0, MAX_SLUG_LENGTH)}-${Math.abs(cliStringHash(cwd)).toString(36)}`;
}

/** The directory as the CLI names it: with symlinks resolved (as given when it does not exist). */
export async function canonicalCwd(cwd: string): Promise<string> {
  try {
    return await realpath(cwd);
  } catch {
    return cwd;
  }
}

/** Where the CLI keeps the transcript of `claudeSessionId` run in `cwd` (already canonical). */
export function transcriptPath(configDir: string, cwd: string, claudeSessionId: string): string {
  return join(configDir, 'projects', projectSlug(cwd), `${claudeSessionId}.jsonl`);
}
