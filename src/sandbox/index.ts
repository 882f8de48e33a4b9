/** The bundled staging (auth, chat backend, web UI, fault injection). Everything outside src/sandbox imports from here. */
export { startSandbox } from './start-sandbox.js';
export type { Sandbox, SandboxOptions, SandboxUrls } from './start-sandbox.js';
export { FAULT_CATALOG, FaultSpecError, parseFault } from './fault-catalog.js';
export type { FaultSpec } from './fault-catalog.js';
export type { FaultController } from './fault-controller.js';
export { startTlsFront } from './tls-front.js';
export type { TlsFront, TlsFrontOptions } from './tls-front.js';
