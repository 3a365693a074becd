import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `barelb --version`: the package version and the commit it was built from. */
export function formatVersion(version: string, commit: string | undefined): string {
  return `barelb ${version} (commit ${commit ?? 'unknown'})`;
}

// main.js sits in dist/cli/ after a build and in src/cli/ from a checkout: the package root is two up.
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/**
 * The commit: stamped into dist/build-info.json by `npm run build` (an installed package has no
 * .git), else asked of git when running from a checkout.
 */
function commit(): string | undefined {
  try {
    const info = JSON.parse(readFileSync(join(here, '..', 'build-info.json'), 'utf8')) as { commit?: string };
    if (info.commit) return info.commit;
  } catch {
    // not a build: fall through to git
  }
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

export function versionText(): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return formatVersion(pkg.version, commit());
}
