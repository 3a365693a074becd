// Loads the addon: the one `node-gyp rebuild` compiled here when there is one (a checkout, or a
// platform without a prebuild), else the prebuilt binary for this platform and CPU that the npm
// package ships (scripts/build-prebuilds.sh), so installing needs no compiler.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, 'build', 'Release', 'af_packet.node');
const prebuilt = join(__dirname, 'prebuilds', `${process.platform}-${process.arch}`, 'af_packet.node');
module.exports = require(existsSync(built) ? built : prebuilt);
