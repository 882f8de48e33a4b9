import { Registry, type Metric } from 'prom-client';

/**
 * Labelled metric families for the daemon's per-journey series, rendered from label strings built once per series.
 * prom-client rebuilds every line's labels at every scrape (object spreads with the registry's default labels,
 * escaping, joins): with 465 scheduled journeys that is ~80,000 lines and ~250 ms of one synchronous turn of the
 * event loop per scrape, so every Prometheus scrape delayed the ticks behind it and timed runs out. Observing
 * through a cached child also skips prom-client's per-call label hashing. The text is what prom-client writes
 * (same label order: a series' own labels, then the default labels; `le` first on buckets).
 */
export abstract class MetricFamily<L extends string, C> {
  private readonly children = new Map<string, { own: string; child: C }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly labelNames: readonly L[],
  ) {}

  /** The series for these label values, made at first use and kept: hold on to it on a hot path. */
  child(labels: Readonly<Record<L, string>>): C {
    const key = this.labelNames.map((n) => labels[n]).join('\u0000');
    let entry = this.children.get(key);
    if (entry === undefined) {
      const own = this.labelNames.map((n) => `${n}="${escapeLabelValue(labels[n])}"`).join(',');
      entry = { own, child: this.newChild() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  reset(): void {
    this.children.clear();
  }

  /** The family in Prometheus text format; `defaults` is the registry's default labels, formatted. */
  exposition(defaults: string): string {
    const lines = [`# HELP ${this.name} ${escapeString(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    for (const { own, child } of this.children.values()) this.lines(child, own, defaults, lines);
    return lines.join('\n');
  }

  protected abstract newChild(): C;
  protected abstract lines(child: C, own: string, defaults: string, out: string[]): void;
}

export interface ValueChild {
  value: number;
}

/** A counter or gauge: one value per series. */
export class ValueFamily<L extends string> extends MetricFamily<L, ValueChild> {
  protected newChild(): ValueChild {
    return { value: 0 };
  }

  protected lines(child: ValueChild, own: string, defaults: string, out: string[]): void {
    const labels = join(own, defaults);
    out.push(`${this.name}${labels === '' ? '' : `{${labels}}`} ${valueText(child.value)}`);
  }

  inc(labels: Readonly<Record<L, string>>, by = 1): void {
    this.child(labels).value += by;
  }

  set(labels: Readonly<Record<L, string>>, value: number): void {
    this.child(labels).value = value;
  }
}

export interface HistogramChild {
  /** Per bucket (same order as the bounds), not cumulative. */
  readonly counts: number[];
  sum: number;
  count: number;
}

export class HistogramFamily<L extends string> extends MetricFamily<L, HistogramChild> {
  private readonly les: string[];

  constructor(
    name: string,
    help: string,
    labelNames: readonly L[],
    private readonly bounds: readonly number[],
  ) {
    super(name, help, 'histogram', labelNames);
    this.les = bounds.map((b) => `le="${b}"`);
  }

  protected newChild(): HistogramChild {
    return { counts: this.bounds.map(() => 0), sum: 0, count: 0 };
  }

  /** As prom-client's: the first bound at or above the value; above every bound only sum and count (+Inf) move. */
  observe(child: HistogramChild, value: number): void {
    const i = this.bounds.findIndex((b) => value <= b);
    if (i >= 0) child.counts[i] = (child.counts[i] ?? 0) + 1;
    child.sum += value;
    child.count += 1;
  }

  protected lines(child: HistogramChild, own: string, defaults: string, out: string[]): void {
    const rest = join(defaults, own);
    const tail = rest === '' ? '' : `,${rest}`;
    let acc = 0;
    for (let i = 0; i < this.les.length; i++) {
      acc += child.counts[i] ?? 0;
      out.push(`${this.name}_bucket{${this.les[i]}${tail}} ${acc}`);
    }
    out.push(`${this.name}_bucket{le="+Inf"${tail}} ${child.count}`);
    const braces = rest === '' ? '' : `{${rest}}`;
    out.push(`${this.name}_sum${braces} ${valueText(child.sum)}`, `${this.name}_count${braces} ${child.count}`);
  }
}

/**
 * prom-client's registry, rendering {@link MetricFamily} members from their cached strings and everything else
 * (process metrics, alerting's, quarantine's) as prom-client does. Between families it yields to the event loop,
 * so a scrape is several short turns rather than one long one that the ticks behind it would wait for.
 */
export class ProberRegistry extends Registry {
  private defaults = '';

  override setDefaultLabels(labels: object): void {
    super.setDefaultLabels(labels);
    this.defaults = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabelValue(String(v))}"`)
      .join(',');
  }

  register(family: MetricFamily<string, unknown>): void {
    // prom-client keeps members by name and calls only name, reset() and its text on them (metrics() below).
    this.registerMetric(family as unknown as Metric);
  }

  override async metrics(): Promise<string> {
    if (this.contentType !== Registry.PROMETHEUS_CONTENT_TYPE) return super.metrics();
    const parts: string[] = [];
    for (const m of this.getMetricsAsArray() as unknown[]) {
      if (m instanceof MetricFamily) {
        parts.push(m.exposition(this.defaults));
        await new Promise(setImmediate);
      } else parts.push(await this.getSingleMetricAsString((m as { name: string }).name));
    }
    return `${parts.join('\n\n')}\n`;
  }
}

function join(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a},${b}`;
}

function valueText(v: number): string {
  if (Number.isNaN(v)) return 'Nan';
  if (!Number.isFinite(v)) return v < 0 ? '-Inf' : '+Inf';
  return `${v}`;
}

function escapeString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(s: string): string {
  return escapeString(s).replace(/"/g, '\\"');
}
