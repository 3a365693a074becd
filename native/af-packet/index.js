// The compiled addon; built by `node-gyp rebuild` on `npm ci`.
module.exports = require('./build/Release/af_packet.node');
