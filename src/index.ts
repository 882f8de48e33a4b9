/** The authoring API for journey files: `import { journey, step, z } from 'golden-path-prober'`. */
export { janitor, journey, step } from './journey/define.js';
export type {
  JourneyDefinition,
  JourneyOptions,
  StepContext,
  StepDefinition,
  StepFn,
  StepOptions,
  TypedVars,
  Vars,
  VarShape,
} from './journey/define.js';
export { StepFailure } from './journey/errors.js';
export type { RunResult, JourneyResult, StepResult, Category } from './journey/result-schema.js';
export { RunResult as RunResultSchema } from './journey/result-schema.js';
export { defineConfig } from './config/define-config.js';
export type { ProberConfig } from './config/schema.js';
export { z } from 'zod';

export { ProberSetupError } from './config/problems.js';
export type { Problem } from './config/problems.js';
export type { Prober, ProberInput, RunInput, RunSelection } from './api/run.js';
export type { RunEvent } from './journey/runner.js';
// A step kind merges its client into `StepContext` from its own file in src/steps/; this type-only export puts every
// registered kind's file in a user's type check, so `ctx.<kind>` is typed for each one (it loads nothing at run time).
export type { StepKindName } from './steps/registry.js';
import type { Prober, ProberInput, RunInput } from './api/run.js';
import type { RunResult as RunResultType } from './journey/result-schema.js';

/**
 * Runs journeys from code and returns the `prober.run/v1` result (see `RunInput`). Loaded on first call, so the
 * journey files that import this package do not pay for the config loader, the step clients or Playwright.
 */
export async function run(input: RunInput): Promise<RunResultType> {
  return (await import('./api/run.js')).run(input);
}

/**
 * Loads and checks a config once and returns a `Prober` whose `run()` runs its journeys as often as asked, without
 * loading the config again: for a test suite's `beforeAll`, or a service that probes in a loop.
 */
export async function createProber(input: ProberInput): Promise<Prober> {
  return (await import('./api/prober.js')).createProber(input);
}
export type { ErrorMapper, MappedError } from './journey/map-error.js';
export type {
  ExpectedStatus,
  FormPick,
  FormSubmitOptions,
  FrameOf,
  HtmlForm,
  HttpClient,
  HttpRequestOptions,
  HttpResponse,
  LoginFailedWhen,
  ParamValue,
  StoppedAt,
  SseClient,
  SseEvent,
  SseStream,
  WaitOptions,
  WsClient,
  WsConnection,
  WsConnectOptions,
  WsFrames,
} from './journey/step-clients.js';

// Logging in: OpenID Connect / OAuth2 (openid-client), token verification (jose) and TOTP (otpauth), each loaded on
// first use.
export { oidc } from './login/oidc.js';
export type { LoginPage, OidcClient, OidcOptions } from './login/oidc.js';
export type { LoginFill } from './login/headless-login.js';
export type { Tokens } from './login/tokens.js';
export { verifyToken } from './login/verify-token.js';
export type { VerifyTokenOptions } from './login/verify-token.js';
export { totp } from './login/totp.js';
export type { TotpOptions } from './login/totp.js';
