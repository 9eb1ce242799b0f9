'use strict';

/**
 * websocket-driver's (and websocket-extensions') option check: unknown keys throw.
 *
 * @param {?Object} options The options
 * @param {String[]} validKeys The keys allowed
 * @return {Object} `options`, or `{}` when absent
 * @throws {Error} `Unrecognized option: <key>`
 */
function validateOptions(options, validKeys) {
  options = options || {};

  for (const key in options) {
    if (!validKeys.includes(key)) throw new Error('Unrecognized option: ' + key);
  }

  return options;
}

module.exports = { validateOptions };
