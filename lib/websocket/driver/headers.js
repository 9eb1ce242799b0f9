'use strict';

/**
 * The path faye-websocket's EventSource deep-requires from websocket-driver
 * (`websocket-driver/lib/websocket/driver/headers`), so that aliasing websocket-driver to
 * oxws keeps it working.
 */
module.exports = require('../../driver/headers');
