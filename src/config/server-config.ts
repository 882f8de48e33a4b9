import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { envRefName, envRefString } from './env-refs.js';
import { formatPath, problem, type Problem } from './problems.js';

/**
 * What makes the daemon's HTTP server safe to put on a network, in one place (as Prometheus' web config): TLS,
 * authentication, the `Host` allowlist and the connection limits. These keys join `server` (host, port, …) in
 * `daemon-config.ts`; the server itself is built in `src/server/`.
 */

/** A bcrypt hash as `htpasswd -nbB` or `bcryptjs` write it (`$2a$`, `$2b$` or `$2y$`, cost 04–31). */
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

export const ServerTlsSchema = z
  .object({
    /** PEM certificate chain, relative to the working directory; re-read when it changes. */
    certFile: z.string().min(1),
    /** PEM private key, relative to the working directory; re-read when it changes. */
    keyFile: z.string().min(1),
    /** How often the two files are checked for a change (a renewed certificate). @defaultValue 10000 */
    reloadIntervalMs: z.number().int().min(100).max(3_600_000).default(10_000),
  })
  .strict();

export const ServerAuthSchema = z
  .object({
    /**
     * User name → bcrypt hash of the password (`htpasswd -nbB user pass`, cost 10 or more); checked on HTTP basic
     * auth. The hashes are not secrets in the way passwords are, so they may sit in the config file.
     */
    basicUsers: z
      .record(
        z.string().regex(/^[^:\s]+$/, 'a user name has no colon or whitespace'),
        z.string().regex(BCRYPT_HASH, 'must be a bcrypt hash ($2b$10$…), e.g. from `htpasswd -nbB user pass`'),
      )
      .optional(),
    /** A token accepted as `Authorization: Bearer <token>`, as an `${env:NAME}` reference (a literal is refused). */
    bearerToken: envRefString(
      'must be an ${env:NAME} reference; literal tokens are refused in config files',
    ).optional(),
    /** `/healthz` and `/livez` answer without credentials, for orchestrators' probes. @defaultValue true */
    openHealth: z.boolean().default(true),
  })
  .strict()
  .refine((a) => a.basicUsers !== undefined || a.bearerToken !== undefined, {
    message: 'set basicUsers or bearerToken (or both); an auth section with neither would let everyone in',
  });

/** The keys `ServerConfigSchema` gains. */
export const serverSecurityShape = {
  /** Serve HTTPS from a certificate and key file, reloaded when they change. @defaultValue none (plain HTTP) */
  tls: ServerTlsSchema.optional(),
  /** Require credentials on every endpoint (except `/healthz` and `/livez` with `openHealth`). @defaultValue none */
  auth: ServerAuthSchema.optional(),
  /**
   * `Host` header values (names, without port) the server answers; others get 421, so a DNS-rebinding page cannot
   * read it. A leading dot allows subdomains (`.example.com`); `'*'` allows any (behind a proxy that checks).
   * @defaultValue `localhost`, `127.0.0.1`, `::1`, the bound host and `publicUrl`'s host
   */
  allowedHosts: z.array(z.string().min(1)).min(1).optional(),
  /** A client must send its request headers within this. @defaultValue 10000 */
  headersTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  /** A client must send its whole request within this. @defaultValue 30000 */
  requestTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  /** Connections beyond this are refused, so idle sockets cannot exhaust the daemon. @defaultValue 4096 */
  maxConnections: z.number().int().min(1).default(4_096),
} as const;

export type ServerTls = z.output<typeof ServerTlsSchema>;
export type ServerAuth = z.output<typeof ServerAuthSchema>;

/** The parts of a parsed `server` section the HTTP server reads. */
export interface ServerSecurityConfig {
  host: string;
  publicUrl?: string | undefined;
  tls?: ServerTls | undefined;
  auth?: ServerAuth | undefined;
  allowedHosts?: string[] | undefined;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

/**
 * What the schema cannot see: the bearer token's variable must be set and the TLS files readable. Checked by the
 * validation pass, so `prober validate` and start-up refuse the same config with the same line.
 */
export function serverConfigProblems(
  server: ServerSecurityConfig,
  /** Undefined when secrets are not needed (`prober list`): the token is not checked. */
  env: NodeJS.ProcessEnv | undefined,
  cwd = process.cwd(),
): Problem[] {
  const problems: Problem[] = [];
  const ref = server.auth?.bearerToken;
  const name = ref === undefined ? undefined : envRefName(ref);
  if (name !== undefined && env !== undefined && (env[name] === undefined || env[name] === '')) {
    problems.push(
      problem(
        formatPath(['server', 'auth', 'bearerToken']),
        `environment variable ${name} is not set`,
        'export it before running',
      ),
    );
  }
  for (const key of ['certFile', 'keyFile'] as const) {
    const file = server.tls?.[key];
    if (file === undefined) continue;
    try {
      accessSync(resolve(cwd, file), constants.R_OK);
    } catch {
      problems.push(
        problem(
          formatPath(['server', 'tls', key]),
          `cannot read ${resolve(cwd, file)}`,
          'check the path and its permissions',
        ),
      );
    }
  }
  return problems;
}
