'use strict';

/**
 * The numbers the shim shares with the addon (event kinds, flag and option bits, header list
 * grammars, nativeIO event kinds, default limits), read once from the addon
 * (`src/binding/constants.rs`): JS never writes them itself, so the two sides cannot
 * disagree. Groups: `receiver`, `sender`, `headerList`, `nio`, `limits`.
 */

const native = require('../native');

/** Deep-frozen, so a module that reads a number cannot change it for the others. */
function freeze(object) {
  for (const value of Object.values(object)) {
    if (typeof value === 'object' && value !== null) freeze(value);
  }
  return Object.freeze(object);
}

module.exports = freeze(native.wireConstants());
