import { describeThrown } from '../journey/containment.js';
import { Redactor } from '../redact.js';
import { EXIT } from './exit-codes.js';

/** Redactors of the runs in this process: a stray fault's message may quote a secret too. */
const scrubbers = new Set<Redactor>();

export function scrubStrayFaultsWith(redactor: Redactor): void {
  scrubbers.add(redactor);
}

/**
 * A fault no running journey owns is a bug in the prober itself: one redacted line and exit 2 (could not judge),
 * never Node's default dump of the stack and the transpiled source around it, and never a success code.
 */
export function onStrayFault(what: string, err: unknown): void {
  let line = describeThrown(err);
  for (const r of scrubbers) line = r.scrub(line);
  line = new Redactor().scrub(line); // the patterns (bearer tokens, JWTs) even when no run registered a redactor
  process.stderr.write(`prober: internal error (${what}): ${line} (set PROBER_DEBUG=1 for the stack trace)\n`);
  if (process.env.PROBER_DEBUG === '1' && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  process.exit(EXIT.error);
}
