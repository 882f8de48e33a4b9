import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Message, Plugin } from 'esbuild';

export interface CompiledModule {
  /** One ES module: the entry and its relative imports; packages stay imports, pinned to absolute file URLs. */
  code: Uint8Array;
  /** Every file bundled into `code`, so a cache can tell when it is stale. */
  inputs: string[];
}

/**
 * Compiles a user's TypeScript (or JavaScript) config or journey into one ES module written as `outfile`: esbuild
 * bundles the file with its relative imports, and every package import is pinned to the absolute file the user's
 * own folder resolves it to (so `golden-path-prober` is the very copy the CLI runs). The inline source map is
 * relative to `outfile`, so stack frames map back to the user's file and line.
 */
export async function compileModule(path: string, outfile: string): Promise<CompiledModule> {
  // Both loaded only on a cache miss: a cached run (a cron job every minute) never pays for either.
  const [{ build }, { resolve: resolveAsNode }] = await Promise.all([import('esbuild'), import('import-meta-resolve')]);
  const result = await build({
    entryPoints: [path],
    outfile,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node}`,
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'silent',
    plugins: [pinPackages(resolveAsNode), ownImportMeta],
  }).catch((err: unknown) => {
    throw new ModuleCompileError(describeBuildFailure(err));
  });
  const output = result.outputFiles.find((f) => f.path === outfile);
  if (output === undefined) throw new ModuleCompileError(`${path}: esbuild produced no output`);
  const inputs = Object.keys(result.metafile.inputs).map((p) => resolvePath(p));
  return { code: output.contents, inputs };
}

/** A config or journey that does not compile: one `file:line:col: ERROR: reason` line per error, as esbuild prints them. */
export class ModuleCompileError extends Error {
  override readonly name = 'SyntaxError';
}

export function contentHash(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

const PINNING = Symbol('pinning');

const pinPackages = (resolveAsNode: (specifier: string, parent: string) => string): Plugin => ({
  name: 'pin-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === PINNING) return undefined;
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      try {
        // Node's own ESM resolution (conditions node + import, package self-reference), as the import would resolve
        // if the file ran unbundled: the user's copy of a package, never a second one.
        const url = resolveAsNode(args.path, pathToFileURL(args.importer).href);
        // TypeScript Node cannot run itself (a `file:` URL to a .ts source, a package shipping .ts) is compiled in.
        if (url.startsWith('file:') && /\.[cm]?tsx?$/.test(url)) return { path: fileURLToPath(url) };
        return { path: url, external: true };
      } catch {
        // Not a package Node can find: a tsconfig `paths` alias of the user's own files, which esbuild bundles.
        const resolved = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: PINNING,
        });
        return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path };
      }
    });
  },
});

/** `import.meta.url` keeps meaning the user's own file, so `new URL('./fixture.json', import.meta.url)` works. */
const ownImportMeta: Plugin = {
  name: 'own-import-meta',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const contents = source
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.filename', JSON.stringify(args.path))
        .replaceAll('import.meta.dirname', JSON.stringify(args.path.replace(/\/[^/]*$/, '')));
      const ts = /\.[cm]?tsx?$/.test(args.path);
      return {
        contents,
        loader: ts ? (args.path.endsWith('x') ? 'tsx' : 'ts') : args.path.endsWith('x') ? 'jsx' : 'js',
      };
    });
  },
};

function describeBuildFailure(err: unknown): string {
  const errors = (err as { errors?: Message[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return String((err as Error)?.message ?? err);
  return errors
    .map((e) =>
      e.location === null ? e.text : `${e.location.file}:${e.location.line}:${e.location.column + 1}: ERROR: ${e.text}`,
    )
    .join('\n');
}
