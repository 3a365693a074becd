// The addon's install script: nothing to do when a prebuilt binary for this platform and CPU came
// with the package; otherwise compile from source with node-gyp (npm puts it on PATH for scripts).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const prebuilt = join(__dirname, 'prebuilds', `${process.platform}-${process.arch}`, 'af_packet.node');
if (!existsSync(prebuilt)) {
  const r = spawnSync('node-gyp', ['rebuild'], { cwd: __dirname, stdio: 'inherit', shell: true });
  process.exit(r.status ?? 1);
}
