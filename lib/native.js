'use strict';

/**
 * The only place that loads the native addon. Everything else requires this module.
 *
 * The addon is built from source by `npm install` (scripts/build.js) into `oxws.node` at the
 * package root.
 */

const path = require('path');

let binding;
try {
  binding = require(path.join(__dirname, '..', 'oxws.node'));
} catch (err) {
  err.message =
    `oxws: the native addon could not be loaded (${err.message}). ` +
    'Run `npm install` (or `npm run build`) to build it from source with cargo.';
  throw err;
}

// The addon's exports object is built by N-API one property at a time and ends up in V8's
// dictionary mode, so every `native.frameInto(...)` / `native.receiverPush(...)` on the hot
// path was a hash lookup (LoadIC, ~5% of a 125-byte `mask` call). A plain copy has fast
// properties; the functions and classes in it are the addon's own.
module.exports = { ...binding };
