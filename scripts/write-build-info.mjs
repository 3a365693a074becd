// Run by `npm run build`: stamps the commit into dist/build-info.json, so `barelb --version` can say
// which commit an installed package (which has no .git) was built from.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

let commit;
try {
  commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
} catch {
  commit = process.env.BARELB_COMMIT; // a build outside git (an image build) may pass it in
}
writeFileSync('dist/build-info.json', `${JSON.stringify({ commit })}\n`);
