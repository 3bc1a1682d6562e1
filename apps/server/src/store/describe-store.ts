import type { StoreConfig } from '../config/app-config-schema.js';
import { redactUrl } from './redact-url.js';

/** Where the store lives, safe to print: `sqlite /srv/data/sessions.db`, `redis redis://:***@host:6379`. */
export function describeStore(config: StoreConfig): string {
  switch (config.type) {
    case 'memory':
      return 'memory (in this process; lost on exit)';
    case 'sqlite':
      return `sqlite ${config.path}`;
    case 'redis':
    case 'postgres':
      return `${config.type} ${redactUrl(config.url)}`;
  }
}

/** What to check when the store cannot be reached. */
export function storeAdvice(config: StoreConfig): string {
  switch (config.type) {
    case 'memory':
      return 'the memory store needs nothing; this is unexpected';
    case 'sqlite':
      return 'check that the directory exists or can be created, that the file is writable by this user and is a SQLite database (store.path or SQLITE_PATH)';
    case 'redis':
      return 'check that Redis is running and reachable at that address, and the URL (store.url or REDIS_URL), including its password';
    case 'postgres':
      return 'check that PostgreSQL is running and reachable at that address, that the database exists, and the URL (store.url or DATABASE_URL), including user and password';
  }
}
