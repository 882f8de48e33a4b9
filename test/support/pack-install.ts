import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Extra packages a user's project typically has next to the prober, installed into the packed project so tests can
 * type-check journeys or use a third-party client inside a step. Versions come from this repo's package.json when
 * it lists the package, so the lock file pins them.
 */
const USER_PROJECT_PACKAGES = ['typescript', '@types/node', 'socket.io-client'];

/**
 * `npm pack`s the repository (dist must be built) and installs the tarball into a temporary project, as a user
 * would. The dependency install (which compiles better-sqlite3) is cached per checkout and dependency set under the
 * OS temp dir; a later run only swaps in the freshly packed package. Returns the project root.
 */
export function preparePackedProject(repoRoot: string): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
  const extras = Object.fromEntries(USER_PROJECT_PACKAGES.map((name) => [name, versionOf(pkg, name)]));
  const key = createHash('sha256')
    .update(JSON.stringify([repoRoot, pkg.dependencies, pkg.optionalDependencies, pkg.peerDependencies, extras]))
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
      const manifest = { name: 'packed-user-project', private: true, type: 'module', dependencies: { 'golden-path-prober': 'file:./golden-path-prober.tgz', ...extras } };
      writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
      execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, stdio: 'inherit' });
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

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function versionOf(pkg: PackageJson, name: string): string {
  return pkg.devDependencies?.[name] ?? pkg.dependencies?.[name] ?? 'latest';
}
