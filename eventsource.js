'use strict';

/** `require('oxws/eventsource')`: faye-websocket's server-side EventSource. */
module.exports = require('./lib/faye/eventsource');
