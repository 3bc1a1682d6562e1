/** The outcome of one doctor check. */
export interface CheckResult {
  name: string;
  ok: boolean;
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

/** The report as text: one line per check, the fix indented under each failure. */
export function formatReport(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.name.length), 5);
  const lines: string[] = [];
  for (const result of results) {
    const indent = ' '.repeat(width + 8);
    const detail = result.detail.split('\n').join(`\n${indent}`);
    lines.push(`${result.ok ? 'ok  ' : 'FAIL'}  ${result.name.padEnd(width)}  ${detail}`);
    if (result.note) lines.push(`${indent}note: ${result.note}`);
    if (result.fix) lines.push(`${indent}fix: ${result.fix}`);
  }
  const failed = results.filter((result) => !result.ok).length;
  lines.push('', failed === 0 ? 'All checks passed.' : `${failed} check${failed === 1 ? '' : 's'} failed.`);
  return `${lines.join('\n')}\n`;
}
