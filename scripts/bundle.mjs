// Bundles the CLI and the two public entry points into dist/ as a few ES modules sharing chunks, after `tsc` has
// written dist/ (its .d.ts files stay the package's types; its per-file .js stay for the loop watchdog's thread).
// Why: a cold `prober run` otherwise resolves, reads and links a few hundred files (ours, zod's ~95, undici's
// ~110) before its first request; see README "Performance". The entries share chunks, so a journey's
// `import { journey } from 'golden-path-prober'` (dist/index.js) reaches the very modules the CLI (dist/cli.js) runs.
// Not minified: stack traces stay readable and minifying measured no faster.
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const external = [
  'esbuild', // native binary; loaded only when a user file has to be compiled
  'playwright-core', // optional; loaded through createRequire when a journey needs a browser
  'better-sqlite3', // native addon
  'pg', // looks up the optional `pg-native` at run time; loaded only with a Postgres store
  '@opentelemetry/*', // optional; loaded through createRequire when `otlp` is configured
  'node-cron', // forks its own daemon.js by path
  'tinyglobby', // fdir resolves picomatch at run time
  'tsx', // dev only: a checkout without dist
];

const dist = new URL('../dist/', import.meta.url);
// Chunk names are content hashes: the previous build's would pile up in the package.
for (const f of readdirSync(dist)) if (/^chunk-\w+\.js$/.test(f)) rmSync(new URL(f, dist));

await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', browser: 'src/browser.ts' },
  absWorkingDir: new URL('..', import.meta.url).pathname,
  outdir: 'dist',
  // Chunks next to the entries, one level below the package root, as tsc's dist/*.js: `../package.json` from a
  // module (src/version.ts) means the same file from either.
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  external,
  // Bundled CommonJS (undici, ws, pino) calls require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __gppCreateRequire } from 'node:module'; const require = __gppCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
