/**
 * Longest answer per message on each platform, in characters, a little under the platform's cap to
 * leave room for formatting: Discord 2000, Telegram 4096, Google Chat 4096 (text message), Slack
 * 12000 (a markdown block), Teams about 28 KB, a Lark card about
 * 30 KB.
 */
export const DEFAULT_MESSAGE_LIMITS: Readonly<Record<string, number>> = {
  discord: 1900,
  telegram: 4000,
  gchat: 4000,
  slack: 11_000,
  teams: 20_000,
  lark: 8000,
};

const FALLBACK_LIMIT = 4000;

/** The limit for a platform: the caller's, else the default, else 4000. */
export function messageLimitFor(platform: string, overrides?: Record<string, number>): number {
  return overrides?.[platform] ?? DEFAULT_MESSAGE_LIMITS[platform] ?? FALLBACK_LIMIT;
}
