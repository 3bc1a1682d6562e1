import type { ClaudeBot } from '@claude-code-server/bot';
import type { Adapter } from 'chat';
import type { Logger } from 'pino';

/** How long one Gateway connection runs before the next one takes over (the adapter's listener has a duration). */
const LISTENER_DURATION_MS = 10 * 60_000;
const RETRY_DELAY_MS = 5_000;

interface GatewayAdapter {
  startGatewayListener(
    options: { waitUntil: (task: Promise<unknown>) => void },
    durationMs?: number,
    abortSignal?: AbortSignal,
  ): Promise<Response>;
}

/**
 * Keeps the Discord adapter's Gateway listener running in this process (plain messages and reactions
 * only come over the Gateway): the adapter handles each event itself, since no `webhookUrl` is given.
 * Runs until `signal` fires; a listener that ends or fails is started again.
 */
export async function runDiscordGateway(
  bot: ClaudeBot,
  adapter: Adapter,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  const discord = adapter as unknown as GatewayAdapter;
  await bot.chat.initialize();
  while (!signal.aborted) {
    let listening: Promise<unknown> = Promise.resolve();
    let failed = false;
    try {
      const response = await discord.startGatewayListener(
        { waitUntil: (task) => (listening = task) },
        LISTENER_DURATION_MS,
        signal,
      );
      if (!response.ok) throw new Error(`the Gateway listener did not start (${response.status})`);
      await listening;
    } catch (error) {
      failed = true;
      log.warn({ error: (error as Error).message }, 'Discord Gateway listener stopped; starting it again');
    }
    if (failed && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, RETRY_DELAY_MS);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
    }
  }
}
