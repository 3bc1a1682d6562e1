/** How long one call of `operation` takes, in ms. */
export async function timeOnce(operation: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await operation();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(durations: number[], p: number): number {
  const sorted = [...durations].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}
