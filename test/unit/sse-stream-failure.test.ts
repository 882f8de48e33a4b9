import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { StepFailure } from '../../src/journey/errors.js';
import { streamFailure } from '../../src/steps/sse.js';

// Why an event stream stopped, with undici's own error classes: its body timeout is the step's remaining budget, so
// on a loaded machine it can fire before the step deadline; a silent stream must still read as a timeout.
describe('streamFailure', () => {
  const rows: [string, unknown, string][] = [
    ['undici body timeout (silent stream)', new errors.BodyTimeoutError(), 'timeout'],
    ['body timeout wrapped as a cause', new Error('read failed', { cause: new errors.BodyTimeoutError() }), 'timeout'],
    ['the server closed the stream', new errors.SocketError('other side closed'), 'network'],
    ['connection reset', Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'network'],
    ['our own cap', new StepFailure('contract', 'event stream exceeded the 10-byte cap'), 'contract'],
  ];
  it.each(rows)('%s → %s', (_name, err, category) => {
    expect(streamFailure(err).category).toBe(category);
  });
});
