import { createHash, randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** sha256 of bytes, hex. */
export function digestOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The transcript file's bytes, or null when there is none. */
export async function readTranscriptFile(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Size of the transcript file in bytes (0 when there is none). */
export async function transcriptFileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** Writes the whole transcript through a temp file and a rename, so the CLI never reads half of it. */
export async function writeTranscriptFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Bytes up to and including the last newline: the complete lines of a file the CLI may be appending to. */
export function completeLines(bytes: Buffer): Buffer {
  const end = bytes.lastIndexOf(0x0a);
  return end < 0 ? bytes.subarray(0, 0) : bytes.subarray(0, end + 1);
}

/** What the CLI still has to write after a turn's result: its assistant messages (API message id -> count). */
export type PendingMessages = ReadonlyMap<string, number>;

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

const POLL_MS = 5;
const QUIET_POLLS = 10;

/** The bytes of the file from `offset` on (empty when it is shorter or missing). */
async function readFrom(path: string, offset: number): Promise<{ size: number; tail: string }> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { size: 0, tail: '' };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size <= offset) return { size, tail: '' };
    const buffer = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return { size, tail: buffer.subarray(0, bytesRead).toString('utf8') };
  } finally {
    await handle.close();
  }
}

/**
 * The CLI appends a turn's lines to its transcript shortly after printing the result. Waits until the
 * part written since `fromBytes` holds every expected assistant message, or (when none is expected)
 * until the file stops growing; gives up after `capMs` (whatever is there then gets saved).
 */
export async function waitForTranscriptFlush(
  path: string,
  fromBytes: number,
  expected: PendingMessages,
  capMs: number,
): Promise<void> {
  const deadline = Date.now() + capMs;
  let lastSize = -1;
  let quiet = 0;
  while (Date.now() < deadline) {
    const { size, tail } = await readFrom(path, fromBytes);
    if (expected.size > 0) {
      const all = [...expected].every(([id, n]) => countOccurrences(tail, `"id":"${id}"`) >= n);
      if (all && tail.endsWith('\n')) return;
    } else {
      quiet = size === lastSize ? quiet + 1 : 0;
      if (quiet >= QUIET_POLLS && size > fromBytes) return;
    }
    lastSize = size;
    await sleep(POLL_MS);
  }
}
