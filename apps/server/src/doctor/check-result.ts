/** The outcome of one doctor check. */
export interface CheckResult {
  name: string;
  /** False for a failure; a skipped check is not one. */
  ok: boolean;
  /** Not run, because a check it needs failed (it is not counted as a failure of its own). */
  skipped?: boolean;
  /** What was found (ok) or what is wrong (failed). */
  detail: string;
  /** What to do about a failure. */
  fix?: string;
  /** Passed, but worth knowing (e.g. a directory that `start` will create). */
  note?: string;
}

export function pass(name: string, detail: string, note?: string): CheckResult {
  return { name, ok: true, detail, ...(note ? { note } : {}) };
}

export function fail(name: string, detail: string, fix: string): CheckResult {
  return { name, ok: false, detail, fix };
}

export function skip(name: string, detail: string): CheckResult {
  return { name, ok: true, skipped: true, detail };
}

/** The report as text: one line per check, the fix indented under each failure. */
export function formatReport(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.name.length), 5);
  const lines: string[] = [];
  for (const result of results) {
    const indent = ' '.repeat(width + 8);
    const detail = result.detail.split('\n').join(`\n${indent}`);
    const status = result.skipped ? 'skip' : result.ok ? 'ok  ' : 'FAIL';
    lines.push(`${status}  ${result.name.padEnd(width)}  ${detail}`);
    if (result.note) lines.push(`${indent}note: ${result.note}`);
    if (result.fix) lines.push(`${indent}fix: ${result.fix}`);
  }
  const failed = results.filter((result) => !result.ok).length;
  const skipped = results.filter((result) => result.skipped).length;
  const skippedNote = skipped === 0 ? '' : ` (${skipped} skipped)`;
  lines.push(
    '',
    failed === 0
      ? `All checks passed${skippedNote}.`
      : `${failed} check${failed === 1 ? '' : 's'} failed${skippedNote}.`,
  );
  return `${lines.join('\n')}\n`;
}
