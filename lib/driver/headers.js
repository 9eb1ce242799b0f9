'use strict';

/**
 * An ordered set of HTTP header lines for a handshake (websocket-driver's `Headers`; faye's
 * EventSource deep-requires it as `websocket-driver/lib/websocket/driver/headers`).
 * A name is written once, except the few that HTTP allows to repeat.
 */

const ALLOWED_DUPLICATES = ['set-cookie', 'set-cookie2', 'warning', 'www-authenticate'];

class Headers {
  constructor() {
    this.clear();
  }

  /** Forgets every header. */
  clear() {
    this._sent = new Set();
    this._lines = [];
  }

  /**
   * Adds `name: value` unless `name` was set already (or `value` is undefined). Spaces
   * around both are trimmed.
   *
   * @param {String} name The header name
   * @param {*} value The value (converted to a string)
   */
  set(name, value) {
    if (value === undefined) return;

    name = strip(name);
    value = strip(value);

    const key = name.toLowerCase();
    if (!this._sent.has(key) || ALLOWED_DUPLICATES.includes(key)) {
      this._sent.add(key);
      this._lines.push(name + ': ' + value + '\r\n');
    }
  }

  /** @return {String} The header lines, each ending in CRLF */
  toString() {
    return this._lines.join('');
  }
}

Headers.prototype.ALLOWED_DUPLICATES = ALLOWED_DUPLICATES;

/**
 * Trims leading and trailing spaces (in linear time, unlike a `/ +$/` regex).
 *
 * @param {*} value A value
 * @return {String} The trimmed string
 */
function strip(value) {
  const string = String(value);
  let start = 0;
  let end = string.length;
  while (start < end && string.charCodeAt(start) === 0x20) start++;
  while (end > start && string.charCodeAt(end - 1) === 0x20) end--;
  return string.slice(start, end);
}

module.exports = Headers;
module.exports.strip = strip;
