'use strict';

/** `require('oxws/faye')`: the faye-websocket 0.11 API. */
module.exports = require('./lib/faye');
