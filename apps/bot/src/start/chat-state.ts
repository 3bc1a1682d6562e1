import type { Logger, StateAdapter } from 'chat';
import type { BotConfig } from '../config/bot-config-schema.js';
import { redactUrl } from './redact.js';

/** Chat SDK's state adapter for the config: only the chosen one's package (and driver) is loaded. */
export async function createChatState(state: BotConfig['state'], logger: Logger): Promise<StateAdapter> {
  switch (state.type) {
    case 'memory': {
      const { createMemoryState } = await import('@chat-adapter/state-memory');
      return createMemoryState();
    }
    case 'redis': {
      const { createIoRedisState } = await import('@chat-adapter/state-ioredis');
      return createIoRedisState({
        url: state.url as string,
        keyPrefix: state.key_prefix,
        logger: logger.child('state'),
      });
    }
    case 'postgres': {
      const { createPostgresState } = await import('@chat-adapter/state-pg');
      return createPostgresState({
        url: state.url as string,
        keyPrefix: state.key_prefix,
        logger: logger.child('state'),
      });
    }
  }
}

/** Where the state lives, safe to print. */
export function describeState(state: BotConfig['state']): string {
  if (state.type === 'memory')
    return 'memory (in this process; subscriptions and de-duplication lost on restart)';
  return `${state.type} ${redactUrl(state.url ?? '')}`;
}
