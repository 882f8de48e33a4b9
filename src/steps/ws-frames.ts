import { StepFailure, isStepFailure } from '../journey/errors.js';
import type { WsFrames } from '../journey/step-clients.js';

/** One way of turning frames into messages and messages into frames. */
export interface Framing {
  /** A message, or `undefined` to drop the frame; throws a `StepFailure` for a frame this framing refuses. */
  decode(data: Buffer, isBinary: boolean): unknown;
  encode(message: unknown): string | Buffer;
}

/** Strings go as text frames and bytes as binary frames, unchanged. */
function raw(framing: string): Framing['encode'] {
  return (message) => {
    if (typeof message === 'string' || Buffer.isBuffer(message)) return message;
    if (message instanceof Uint8Array) return Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    throw new StepFailure(
      'prober',
      `ws send() with frames: ${framing} takes a string or a Buffer, not ${message === null ? 'null' : typeof message}`,
    );
  };
}

function size(data: Buffer, isBinary: boolean): string {
  return `${isBinary ? 'binary' : 'text'} WebSocket frame of ${data.length} bytes`;
}

/** The named framings. A new one is one entry here (and its name in `WsFrames`). */
export const FRAMINGS: Readonly<Record<Exclude<WsFrames, (...args: never[]) => unknown>, Framing>> = {
  json: {
    decode(data, isBinary) {
      if (isBinary) throw new StepFailure('contract', `received a ${size(data, true)} where JSON text was expected`);
      try {
        return JSON.parse(data.toString('utf8'));
      } catch {
        throw new StepFailure('contract', `received a ${size(data, false)} that is not valid JSON`);
      }
    },
    encode: (message) => JSON.stringify(message),
  },
  text: {
    decode(data, isBinary) {
      if (isBinary) throw new StepFailure('contract', `received a ${size(data, true)} where text was expected`);
      return data.toString('utf8');
    },
    encode: raw("'text'"),
  },
  binary: {
    decode: (data) => data,
    encode: raw("'binary'"),
  },
};

/**
 * The framing for a connect option. A parser's own `StepFailure` stands (it chose the category); any other throw is
 * a `contract` failure that names the frame's size and the error's class, never the frame or the error's message,
 * which may quote the frame.
 */
export function framingFor(frames: WsFrames = 'json'): Framing {
  if (typeof frames !== 'function') return FRAMINGS[frames];
  return {
    decode(data, isBinary) {
      try {
        return frames(data, isBinary);
      } catch (err) {
        if (isStepFailure(err)) throw err;
        const kind = err instanceof Error ? err.name : typeof err;
        throw new StepFailure('contract', `the frame parser rejected a ${size(data, isBinary)} (${kind})`);
      }
    },
    encode: raw('a parser'),
  };
}
