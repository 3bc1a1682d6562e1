import { destination, type Logger, type LoggerOptions as PinoOptions, pino } from 'pino';
import { type PrettyOptions, build as prettyStream } from 'pino-pretty';

export interface LoggerOptions {
  level: string;
  pretty: boolean;
}

/** `log.pretty`: one readable line per record (pino-pretty): time (UTC), level, message, the other fields. */
export const PRETTY_OPTIONS: PrettyOptions = {
  translateTime: 'UTC:HH:MM:ss',
  ignore: 'pid,hostname',
  singleLine: true,
};

/** The app's logger: JSON lines on stdout, or readable lines when `pretty` is asked for. */
export function createLogger(options: LoggerOptions): Logger {
  const settings: PinoOptions = { level: options.level, base: { pid: process.pid } };
  // Synchronous writes, so the last lines before an exit are not lost.
  if (options.pretty) return pino(settings, prettyStream({ ...PRETTY_OPTIONS, destination: 1, sync: true }));
  return pino(settings, destination({ dest: 1, sync: true }));
}
