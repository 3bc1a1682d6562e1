import { destination, type Logger, type LoggerOptions as PinoOptions, pino } from 'pino';
import { createPrettyStream } from './pretty-stream.js';

export interface LoggerOptions {
  level: string;
  pretty: boolean;
}

/** The app's logger: JSON lines on stdout, or readable lines when `pretty` is asked for. */
export function createLogger(options: LoggerOptions): Logger {
  const settings: PinoOptions = { level: options.level, base: { pid: process.pid } };
  if (options.pretty) return pino(settings, createPrettyStream());
  // Synchronous writes, so the last lines before an exit are not lost.
  return pino(settings, destination({ dest: 1, sync: true }));
}
