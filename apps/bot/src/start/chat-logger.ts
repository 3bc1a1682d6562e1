import type { Logger as ChatLogger } from 'chat';
import type { Logger as PinoLogger } from 'pino';

/** Chat SDK logs `(message, fields?)`; pino takes `(fields, message)`. */
function fieldsOf(args: unknown[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const arg of args) {
    if (arg instanceof Error) fields.error = arg.message;
    else if (arg !== null && typeof arg === 'object') Object.assign(fields, arg);
    else if (arg !== undefined) fields.detail = arg;
  }
  // Errors inside fields print their message, never a stack.
  for (const [key, value] of Object.entries(fields)) if (value instanceof Error) fields[key] = value.message;
  return fields;
}

/**
 * Chat SDK's logger interface on the app's pino logger. The adapters log every webhook at `info`
 * (and Discord's the key it checks with): below `warn` they speak only when `log.level` is `debug`.
 */
export function chatLogger(pino: PinoLogger, level: string): ChatLogger {
  const quiet = level !== 'debug';
  return {
    child: (prefix) => chatLogger(pino.child({ component: prefix }), level),
    debug: (message, ...args) => pino.debug(fieldsOf(args), message),
    info: (message, ...args) =>
      quiet ? pino.debug(fieldsOf(args), message) : pino.info(fieldsOf(args), message),
    warn: (message, ...args) => pino.warn(fieldsOf(args), message),
    error: (message, ...args) => pino.error(fieldsOf(args), message),
  };
}
