/**
 * Runs `operation` `samples` times one after another and returns each duration in ms; `between` runs
 * untimed after each call.
 */
export async function timeEach(
  samples: number,
  operation: (i: number) => Promise<unknown>,
  between?: (i: number) => Promise<unknown>,
): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    await operation(i);
    durations.push(Number(process.hrtime.bigint() - start) / 1e6);
    await between?.(i);
  }
  return durations;
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(durations: number[], p: number): number {
  const sorted = [...durations].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}
