import { describe, expect, it } from 'vitest';
import { RunAborts } from '../../src/schedule/run-aborts.js';

describe('RunAborts', () => {
  it('gives each run its own signal, aborts the live ones at shutdown and forgets finished ones', () => {
    const aborts = new RunAborts();
    const done = aborts.begin();
    const live = aborts.begin();
    done.end();
    expect(aborts.size).toBe(1);
    aborts.abortAll(new Error('received SIGTERM'));
    expect([done.signal.aborted, live.signal.aborted]).toEqual([false, true]);
    expect((live.signal.reason as Error).message).toBe('received SIGTERM');
    // A run that starts during shutdown is aborted from the start.
    expect(aborts.begin().signal.aborted).toBe(true);
    expect(aborts.aborted).toBe(true);
  });
});
