'use strict';

/**
 * `require('oxws/permessage-deflate')`: permessage-deflate for websocket-driver and
 * faye-websocket (`driver.addExtension(deflate)`, `{extensions: [deflate]}`), compressed in
 * Rust; a drop-in for the npm `permessage-deflate` package.
 */
module.exports = require('./lib/driver/extensions/permessage-deflate');
