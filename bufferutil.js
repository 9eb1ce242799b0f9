'use strict';

/** `require('oxws/bufferutil')`: the bufferutil module shape, `{ mask, unmask }`. */
module.exports = require('./lib/accel/bufferutil');
