// The compiled addon, built by `node-gyp rebuild` (this package's install script) on `npm ci`.
module.exports = require('./build/Release/af_packet.node');
