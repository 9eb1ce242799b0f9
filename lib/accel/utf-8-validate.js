'use strict';

/**
 * The `utf-8-validate` API: a function `isValidUTF8(buffer) → boolean`, so
 * `overrides: { 'utf-8-validate': 'npm:oxws' }` (or `require('oxws/utf-8-validate')`) works.
 * Small inputs are checked in JavaScript; larger ones by Node's `buffer.isUtf8` (simdutf)
 * where it exists (Node >= 18.14), else by simdutf8 in the addon, else (no `isUtf8` and no
 * addon) in JavaScript. Requiring this module never throws.
 */

const { isUtf8 } = require('buffer');

const { UTF8_NATIVE_MIN } = require('./thresholds');

let nativeIsValidUTF8;

/**
 * Checks UTF-8 in JavaScript (for short inputs). The same algorithm as ws's
 * `_isValidUTF8`, from Markus Kuhn's `utf8_check`.
 *
 * @param {Uint8Array} buf The bytes to check
 * @return {Boolean} `true` if `buf` is valid UTF-8
 * @private
 */
function isValidUTF8Js(buf) {
  const len = buf.length;
  let i = 0;

  while (i < len) {
    if ((buf[i] & 0x80) === 0) {
      // 0xxxxxxx
      i++;
    } else if ((buf[i] & 0xe0) === 0xc0) {
      // 110xxxxx 10xxxxxx
      if (i + 1 === len || (buf[i + 1] & 0xc0) !== 0x80 || (buf[i] & 0xfe) === 0xc0) {
        return false;
      }
      i += 2;
    } else if ((buf[i] & 0xf0) === 0xe0) {
      // 1110xxxx 10xxxxxx 10xxxxxx
      if (
        i + 2 >= len ||
        (buf[i + 1] & 0xc0) !== 0x80 ||
        (buf[i + 2] & 0xc0) !== 0x80 ||
        (buf[i] === 0xe0 && (buf[i + 1] & 0xe0) === 0x80) || // overlong
        (buf[i] === 0xed && (buf[i + 1] & 0xe0) === 0xa0) // surrogate (U+D800 - U+DFFF)
      ) {
        return false;
      }
      i += 3;
    } else if ((buf[i] & 0xf8) === 0xf0) {
      // 11110xxx 10xxxxxx 10xxxxxx 10xxxxxx
      if (
        i + 3 >= len ||
        (buf[i + 1] & 0xc0) !== 0x80 ||
        (buf[i + 2] & 0xc0) !== 0x80 ||
        (buf[i + 3] & 0xc0) !== 0x80 ||
        (buf[i] === 0xf0 && (buf[i + 1] & 0xf0) === 0x80) || // overlong
        (buf[i] === 0xf4 && buf[i + 1] > 0x8f) ||
        buf[i] > 0xf4 // > U+10FFFF
      ) {
        return false;
      }
      i += 4;
    } else {
      return false;
    }
  }

  return true;
}

/**
 * Checks whether `buffer` holds valid UTF-8.
 *
 * @param {Uint8Array|ArrayBuffer} buffer The bytes to check
 * @return {Boolean} `true` if valid
 * @public
 */
function isValidUTF8(buffer) {
  // The common case first: a Buffer / typed array long enough for Node's own check, which
  // takes any typed array as it is.
  if (isUtf8 !== undefined && buffer.length >= UTF8_NATIVE_MIN) return isUtf8(buffer);
  let bytes = buffer;
  if (buffer instanceof ArrayBuffer) bytes = new Uint8Array(buffer);
  else if (!(buffer instanceof Uint8Array) && ArrayBuffer.isView(buffer)) {
    // Any other view (DataView, Uint16Array, …): check its bytes.
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  if (bytes.length < UTF8_NATIVE_MIN) return isValidUTF8Js(bytes);
  if (isUtf8 !== undefined) return isUtf8(bytes);
  if (nativeIsValidUTF8 === undefined) nativeIsValidUTF8 = loadNative();
  return nativeIsValidUTF8(bytes);
}

/**
 * The addon's `isValidUTF8`, or the JavaScript check when the addon cannot be loaded (as
 * utf-8-validate's `fallback.js` when its native build is missing). Called once.
 *
 * @return {Function} The check for inputs of {@link UTF8_NATIVE_MIN} bytes and more
 * @private
 */
function loadNative() {
  try {
    return require('../native').isValidUTF8;
  } catch {
    return isValidUTF8Js;
  }
}

module.exports = isValidUTF8;
module.exports.isValidUTF8Js = isValidUTF8Js;
