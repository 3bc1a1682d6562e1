import { createHash } from 'node:crypto';
import { type HookEvent, type Hooks, parseHookEvents, parseHooks } from '../hooks/hooks.js';
import { parseToolServers, type ToolServer } from '../tools/tool-server.js';

/** In-process code a process is started with: tool servers and hooks, registered when it starts. */
export interface SessionExtensions {
  toolServers: readonly ToolServer[];
  hooks: Hooks;
  /** Events for which turns may bring hooks of their own (`TurnOptions.hooks`). */
  turnHookEvents: readonly HookEvent[];
}

export const NO_EXTENSIONS: SessionExtensions = Object.freeze({
  toolServers: [],
  hooks: {},
  turnHookEvents: [],
});

/** Validates the `toolServers`, `hooks` and `turnHookEvents` options; InvalidConfigError names the bad one. */
export function parseExtensions(options: {
  toolServers?: unknown;
  hooks?: unknown;
  turnHookEvents?: unknown;
}): SessionExtensions {
  return {
    toolServers: parseToolServers(options.toolServers),
    hooks: parseHooks(options.hooks),
    turnHookEvents: parseHookEvents(options.turnHookEvents),
  };
}

/** Each object its own number, so a fingerprint tells two servers or callbacks apart without hashing code. */
const identities = new WeakMap<object, number>();
let nextIdentity = 1;
function identity(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return id;
}

/**
 * A short hash of the extensions (by the identity of each server and callback): a process started
 * with other tool servers or hooks cannot serve a session that needs these, and must be restarted.
 * Empty when there are none, so such a config hashes as it always did.
 */
export function extensionsFingerprint(extensions: SessionExtensions): string {
  const none =
    extensions.toolServers.length === 0 &&
    Object.keys(extensions.hooks).length === 0 &&
    extensions.turnHookEvents.length === 0;
  if (none) return '';
  const described = {
    servers: extensions.toolServers.map(identity),
    hooks: Object.entries(extensions.hooks).map(([event, matchers]) => [
      event,
      (matchers ?? []).map((m) => [m.matcher ?? null, m.timeout ?? null, m.hooks.map(identity)]),
    ]),
    turnHookEvents: [...extensions.turnHookEvents].sort(),
  };
  return createHash('sha256').update(JSON.stringify(described)).digest('hex').slice(0, 16);
}
