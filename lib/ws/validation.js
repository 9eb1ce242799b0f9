'use strict';

/**
 * Validation helpers of the ws API: close codes, UTF-8, header tokens, Blob detection.
 */

const { isUtf8 } = require('buffer');

const { hasBlob } = require('../constants');
const isValidUTF8Native = require('../accel/utf-8-validate');

/**
 * `tokenChars[c] === 1` when char code `c` may appear in an HTTP token (RFC 7230 §3.2.6):
 * `!#$%&'*+-.^_`|~`, digits and letters.
 */
// prettier-ignore
const tokenChars = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0
];

/**
 * Whether a status code may be sent in (or received in) a close frame: 1000-1003,
 * 1007-1014 and 3000-4999.
 *
 * @param {Number} code The status code
 * @return {Boolean} `true` if valid
 * @public
 */
function isValidStatusCode(code) {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/**
 * Whether `buf` is valid UTF-8 (Node's `buffer.isUtf8` where present, else the addon).
 *
 * @param {Uint8Array} buf The bytes
 * @return {Boolean} `true` if valid
 * @public
 */
const isValidUTF8 = isUtf8 ? (buf) => buf.length === 0 || isUtf8(buf) : isValidUTF8Native;

/**
 * Whether `value` is a `Blob` (or a File).
 *
 * @param {*} value The value
 * @return {Boolean} `true` for a Blob
 * @public
 */
function isBlob(value) {
  return (
    hasBlob &&
    typeof value === 'object' &&
    value !== null &&
    typeof value.arrayBuffer === 'function' &&
    typeof value.type === 'string' &&
    typeof value.stream === 'function' &&
    (value[Symbol.toStringTag] === 'Blob' || value[Symbol.toStringTag] === 'File')
  );
}

module.exports = { isBlob, isValidStatusCode, isValidUTF8, tokenChars };
