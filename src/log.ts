import pino, { type Logger, type Level } from 'pino';
import { formatLogLine, type LogFormat } from './log-format.js';
import type { Redactor } from './redact.js';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * pino on stderr (JSON, or one human line per entry), so stdout stays clean for `--reporter json`. Redaction happens twice on purpose: by path for
 * structured fields, and by value on the final line for secrets and tokens that reached a message string.
 */
export function createLogger(redactor: Redactor, level: Level | 'silent' = 'info', format: LogFormat = 'json'): Logger {
  const stderr = pino.destination({ fd: 2, sync: true });
  // `pretty` rewrites each (already redacted) JSON line for people; `json` is pino's own line.
  const destination = format === 'json' ? stderr : { write: (line: string) => stderr.write(formatLogLine(line)) };
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'headers.cookie',
          '*.headers.cookie',
        ],
        censor: '[REDACTED]',
      },
      hooks: { streamWrite: (line) => redactor.scrub(line) },
    },
    destination,
  );
}
