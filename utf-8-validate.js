'use strict';

/** `require('oxws/utf-8-validate')`: the utf-8-validate module shape, a function. */
module.exports = require('./lib/accel/utf-8-validate');
