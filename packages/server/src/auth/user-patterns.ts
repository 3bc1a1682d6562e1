/** Matches user ids against a key's list: exact ids, or patterns where `*` stands for any run of characters. */
export class UserPatterns {
  private readonly exact = new Set<string>();
  private readonly patterns: RegExp[] = [];
  readonly any: boolean;

  constructor(readonly list: readonly string[]) {
    for (const entry of list) {
      if (!entry.includes('*')) {
        this.exact.add(entry);
        continue;
      }
      const source = entry
        .split('*')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*');
      this.patterns.push(new RegExp(`^${source}$`, 's'));
    }
    this.any = list.includes('*');
  }

  /** True when the key may act for this user. */
  allows(userId: string): boolean {
    return this.any || this.exact.has(userId) || this.patterns.some((pattern) => pattern.test(userId));
  }
}
