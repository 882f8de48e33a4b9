import type { SandboxService } from './fault-catalog.js';

/**
 * What each service's /version reports: the version it started with (1.0.0 unless given), a rollout's new version
 * once its delay is over, or one set later (a deploy finishing).
 */
export class ServiceVersions {
  private readonly current: Record<SandboxService, string>;
  private readonly rolloutTimers: NodeJS.Timeout[];

  constructor(
    versions: Partial<Record<SandboxService, string>> = {},
    rollout: Partial<Record<SandboxService, { to: string; afterMs: number }>> = {},
  ) {
    this.current = {
      auth: versions.auth ?? '1.0.0',
      backend: versions.backend ?? '1.0.0',
      web: versions.web ?? '1.0.0',
    };
    this.rolloutTimers = Object.entries(rollout).map(([service, r]) =>
      setTimeout(() => this.set(service as SandboxService, r.to), r.afterMs).unref(),
    );
  }

  /** The service's version as its /version handler reads it, at each request. */
  of(service: SandboxService): () => string {
    return () => this.current[service];
  }

  set(service: SandboxService, version: string): void {
    this.current[service] = version;
  }

  /** A rollout still to come does not happen after the sandbox closed. */
  stop(): void {
    for (const t of this.rolloutTimers) clearTimeout(t);
  }
}
