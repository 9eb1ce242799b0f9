'use strict';

/** `require('oxws/driver')`: the websocket-driver 0.8 API. */
module.exports = require('./lib/driver');
