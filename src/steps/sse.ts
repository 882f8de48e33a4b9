import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { isTimeoutError } from '../journey/classify-failure.js';
import { StepFailure } from '../journey/errors.js';
import type { HttpClient, SseClient, SseEvent, WaitOptions } from '../journey/step-clients.js';
import type { JourneyResources, StepKind } from '../journey/step-ports.js';
import { journeyCookies } from './cookie-jar.js';
import { createHttpClient } from './http.js';
import { journeyPool } from './http-pool.js';
import { MessageQueue } from './message-queue.js';
import { checkOptions, SseOptionsSchema } from './request-options.js';

export type { SseClient, SseEvent, SseStream } from '../journey/step-clients.js';

/** `ctx.sse`: server-sent events over the same step's `ctx.http`. */
export const sseKind: StepKind<'sse'> = {
  name: 'sse',
  forJourney: (resources, settings) => (scope, earlier) =>
    createSseClient(
      earlier.http ?? createHttpClient(scope, journeyPool(resources, settings.tlsFor), journeyCookies(resources)),
      resources,
      settings.maxBodyBytes,
    ),
};

export function createSseClient(http: HttpClient, resources: JourneyResources, maxBytes: number): SseClient {
  return {
    async open(url, given) {
      const options = checkOptions(SseOptionsSchema, given, 'ctx.sse.open()');
      const hasBody = options.json !== undefined || options.form !== undefined || options.body !== undefined;
      const { method = hasBody ? 'POST' : 'GET', ...rest } = options;
      const res = await http.request(method, url, {
        ...rest,
        headers: { accept: 'text/event-stream', ...rest.headers },
      });
      const type = String(res.headers['content-type'] ?? '');
      if (!type.startsWith('text/event-stream')) {
        throw new StepFailure('contract', `expected text/event-stream, got ${type === '' ? 'no content-type' : type}`);
      }
      const body = res.stream();
      // The stream's bytes are capped below; the count bound keeps a flood of tiny events from growing the heap.
      const queue = new MessageQueue<SseEvent>({
        what: 'event stream',
        maxBytes: maxBytes,
        onOverflow: () => void body.destroy(),
      });
      const parser = createParser({
        onEvent: (m: EventSourceMessage) =>
          queue.push(
            {
              event: m.event ?? 'message',
              data: parseData(m.data),
              ...(m.id === undefined ? {} : { id: m.id }),
            },
            m.data.length,
          ),
      });
      resources.onClose(() => void body.destroy());
      void (async () => {
        let size = 0;
        try {
          for await (const chunk of body) {
            size += chunk.length;
            if (size > maxBytes) throw new StepFailure('contract', `event stream exceeded the ${maxBytes}-byte cap`);
            parser.feed(chunk.toString('utf8'));
          }
          queue.end(
            new StepFailure(
              'contract',
              `event stream ended after ${queue.received.length} events without the expected event`,
            ),
          );
        } catch (err) {
          queue.end(streamFailure(err));
          body.destroy();
        }
      })();
      return {
        waitFor: <T>(predicate: (e: SseEvent<T>) => boolean, opts: WaitOptions = {}) =>
          queue.waitFor((e) => predicate(e as SseEvent<T>), opts.signal ?? resources.current().abort, opts) as Promise<
            SseEvent<T>
          >,
        get events() {
          return queue.received;
        },
      };
    },
  };
}

/**
 * Why an event stream stopped, as a step failure. undici's body timeout is set to the step's remaining budget, so it
 * and the step deadline fire at about the same moment; on a loaded machine undici's can come first. A silent stream
 * is a timeout either way, never `network` (which would blame the connection for a server that said nothing).
 */
export function streamFailure(err: unknown): StepFailure {
  if (err instanceof StepFailure) return err;
  if (isTimeoutError(err))
    return new StepFailure('timeout', 'event stream went silent until the step deadline', { cause: err });
  return new StepFailure('network', 'event stream was interrupted', { cause: err });
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}
