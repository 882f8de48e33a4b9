import { createRequire } from 'node:module';
import type { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { setupError } from '../config/problems.js';
import type { RunResult } from '../journey/result-schema.js';
import { PROBER_VERSION } from '../version.js';
import { spansFromRun, type SpanRecord } from './otlp-spans.js';

/** The config's `otlp` section with defaults applied and header references resolved. */
export interface OtlpSettings {
  /** The OTLP/HTTP traces URL, e.g. `http://collector:4318/v1/traces`. */
  endpoint: string;
  headers: Record<string, string>;
  serviceName: string;
  timeoutMs: number;
}

type ExportedSpans = Parameters<OTLPTraceExporter['export']>[0];
const SPAN_KIND = { internal: 0, client: 2 } as const;
const STATUS = { unset: 0, ok: 1, error: 2 } as const;

/**
 * The OpenTelemetry packages are optional dependencies loaded on first export: a prober without `otlp` in its config
 * never loads them, and an install without them says how to get them.
 */
function load(): {
  Exporter: typeof OTLPTraceExporter;
  resourceFromAttributes: (a: Record<string, string>) => unknown;
} {
  const require = createRequire(import.meta.url);
  try {
    return {
      Exporter: (require('@opentelemetry/exporter-trace-otlp-proto') as { OTLPTraceExporter: typeof OTLPTraceExporter })
        .OTLPTraceExporter,
      resourceFromAttributes: (
        require('@opentelemetry/resources') as { resourceFromAttributes: (a: Record<string, string>) => unknown }
      ).resourceFromAttributes,
    };
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw err;
    throw setupError(
      'otlp',
      'the OpenTelemetry exporter is not installed',
      'run npm i @opentelemetry/exporter-trace-otlp-proto @opentelemetry/resources @opentelemetry/api',
    );
  }
}

const hrTime = (ms: number): [number, number] => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

function toReadableSpans(records: readonly SpanRecord[], resource: unknown): ExportedSpans {
  const scope = { name: 'golden-path-prober', version: PROBER_VERSION };
  return records.map((r) => ({
    name: r.name,
    kind: SPAN_KIND[r.kind],
    spanContext: () => ({ traceId: r.traceId, spanId: r.spanId, traceFlags: 1 }),
    parentSpanContext:
      r.parentSpanId === undefined
        ? undefined
        : { traceId: r.traceId, spanId: r.parentSpanId, traceFlags: 1, isRemote: false },
    startTime: hrTime(r.startMs),
    endTime: hrTime(r.endMs),
    duration: hrTime(r.endMs - r.startMs),
    status: { code: STATUS[r.status], ...(r.statusMessage === undefined ? {} : { message: r.statusMessage }) },
    attributes: r.attributes,
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  })) as unknown as ExportedSpans;
}

/** Sends the run's spans in one OTLP/HTTP protobuf request; rejects with the exporter's one-line reason. */
export async function exportRunSpans(result: RunResult, settings: OtlpSettings): Promise<void> {
  const records = spansFromRun(result);
  if (records.length === 0) return;
  const { Exporter, resourceFromAttributes } = load();
  const resource = resourceFromAttributes({
    'service.name': settings.serviceName,
    'service.version': PROBER_VERSION,
    'deployment.environment.name': result.environment,
  });
  const exporter = new Exporter({
    url: settings.endpoint,
    headers: settings.headers,
    timeoutMillis: settings.timeoutMs,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      exporter.export(toReadableSpans(records, resource), (r) => {
        if (r.code === 0) resolve();
        else
          reject(
            new Error(
              `OTLP export to ${settings.endpoint} failed: ${r.error?.message.split('\n')[0] ?? 'unknown error'}`,
            ),
          );
      });
    });
  } finally {
    await exporter.shutdown().catch(() => undefined);
  }
}
