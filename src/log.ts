import pino, { type Logger, type Level } from 'pino';
import type { Redactor } from './redact.js';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * pino JSON on stderr, so stdout stays clean for `--reporter json`. Redaction happens twice on purpose: by path for
 * structured fields, and by value on the final line for secrets and tokens that reached a message string.
 */
export function createLogger(redactor: Redactor, level: Level | 'silent' = 'info'): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: {
        paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'headers.cookie', '*.headers.cookie'],
        censor: '[REDACTED]',
      },
      hooks: { streamWrite: (line) => redactor.scrub(line) },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
