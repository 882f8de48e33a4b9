import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Extra packages a user's project typically has next to the prober, installed into the packed project so tests can
 * use a third-party client inside a step. Versions come from this repo's package.json when it lists the package, so
 * the lock file pins them. Not typescript nor @types/node: the package's peer dependencies bring them, as they do
 * for a user, so the type-checking tests prove that `npx tsc` works in a project that never installed TypeScript.
 */
const USER_PROJECT_PACKAGES = [
  'socket.io-client',
  // Client libraries the wire tests (test/wire/) use inside steps, as a user's project would.
  'ioredis',
  '@grpc/grpc-js',
  'graphql-ws',
  'graphql',
  'ws',
  // The Playwright suites the suite tests (test/suites/) run as journeys, as a team's project has it.
  '@playwright/test',
];

/**
 * `npm pack`s the repository (dist must be built) and installs the tarball into a temporary project, as a user
 * would. The dependency install (which compiles better-sqlite3) is cached per checkout and dependency set under the
 * OS temp dir; a later run only swaps in the freshly packed package. Returns the project root.
 */
export function preparePackedProject(repoRoot: string): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
  const extras = Object.fromEntries(USER_PROJECT_PACKAGES.map((name) => [name, versionOf(pkg, name)]));
  const key = createHash('sha256')
    // The Node ABI too: the native addon copied in is built for one (.ci/node-lines runs other lines).
    .update(
      JSON.stringify([
        repoRoot,
        process.versions.modules,
        pkg.dependencies,
        pkg.optionalDependencies,
        pkg.peerDependencies,
        extras,
      ]),
    )
    .digest('hex')
    .slice(0, 12);
  const project = join(tmpdir(), `gpp-packed-${key}`);
  const packDir = mkdtempSync(join(tmpdir(), 'gpp-pack-'));
  try {
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [{ filename }] = JSON.parse(out) as [{ filename: string }];
    const tarball = join(packDir, filename);
    const installed = join(project, 'node_modules', 'golden-path-prober');
    if (!existsSync(join(project, '.installed'))) {
      rmSync(project, { recursive: true, force: true });
      mkdirSync(project, { recursive: true });
      const kept = join(project, 'golden-path-prober.tgz');
      writeFileSync(kept, readFileSync(tarball));
      const manifest = {
        name: 'packed-user-project',
        private: true,
        type: 'module',
        dependencies: { 'golden-path-prober': 'file:./golden-path-prober.tgz', ...extras },
      };
      writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
      // Install scripts are skipped and the one native addon taken from this checkout when it is the same version:
      // compiling better-sqlite3 again takes minutes on a loaded two-core box. Our own package has no install script.
      execFileSync(
        'npm',
        ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
        { cwd: project, stdio: 'inherit' },
      );
      reuseNativeAddon(repoRoot, project, 'better-sqlite3', 'build/Release/better_sqlite3.node');
      writeFileSync(join(project, '.installed'), new Date().toISOString());
    } else {
      // Same dependency set: swap in the new package contents without a reinstall.
      rmSync(installed, { recursive: true, force: true });
      mkdirSync(installed, { recursive: true });
      execFileSync('tar', ['xzf', tarball, '-C', installed, '--strip-components=1']);
    }
    return project;
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}

/** Copies a compiled addon from this checkout when versions match, else builds it as `npm install` would. */
function reuseNativeAddon(repoRoot: string, project: string, name: string, binary: string): void {
  const installed = join(project, 'node_modules', name);
  if (!existsSync(installed)) return;
  const version = (dir: string) =>
    (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const ours = join(repoRoot, 'node_modules', name);
  if (existsSync(join(ours, binary)) && version(ours) === version(installed)) {
    mkdirSync(dirname(join(installed, binary)), { recursive: true });
    copyFileSync(join(ours, binary), join(installed, binary));
  } else {
    execFileSync('npm', ['rebuild', name], { cwd: project, stdio: 'inherit' });
  }
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function versionOf(pkg: PackageJson, name: string): string {
  return pkg.devDependencies?.[name] ?? pkg.dependencies?.[name] ?? 'latest';
}
