'use strict';

/**
 * Buffer helpers of the ws API: concatenation, conversion to ArrayBuffer / Buffer, and the
 * mask / unmask functions (ws exports these from `lib/buffer-util.js`).
 */

const { EMPTY_BUFFER } = require('../constants');
const { mask, unmask } = require('../accel/bufferutil');

const FastBuffer = Buffer[Symbol.species];

/**
 * Joins buffers into one (returns the only element when there is just one).
 *
 * @param {Buffer[]} list The buffers
 * @param {Number} totalLength Their total length
 * @return {Buffer} The result
 * @public
 */
function concat(list, totalLength) {
  if (list.length === 0) return EMPTY_BUFFER;
  if (list.length === 1) return list[0];

  const target = Buffer.allocUnsafe(totalLength);
  let offset = 0;

  for (const buf of list) {
    target.set(buf, offset);
    offset += buf.length;
  }

  return offset < totalLength ? new FastBuffer(target.buffer, target.byteOffset, offset) : target;
}

/**
 * Returns the bytes of `buf` as an ArrayBuffer (its own when it covers it whole).
 *
 * @param {Buffer} buf The bytes
 * @return {ArrayBuffer} An ArrayBuffer with exactly those bytes
 * @public
 */
function toArrayBuffer(buf) {
  if (buf.byteOffset === 0 && buf.length === buf.buffer.byteLength) return buf.buffer;
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
}

/**
 * Converts `data` to a Buffer without copying where possible. Sets `toBuffer.readOnly` to
 * whether the result shares memory with the caller's data (so it must not be modified).
 *
 * @param {*} data A Buffer, ArrayBuffer, TypedArray, DataView, string or number-like
 * @return {Buffer} The bytes
 * @public
 */
function toBuffer(data) {
  toBuffer.readOnly = true;

  if (Buffer.isBuffer(data)) return data;

  let buf;

  if (data instanceof ArrayBuffer) {
    buf = new FastBuffer(data);
  } else if (ArrayBuffer.isView(data)) {
    buf = new FastBuffer(data.buffer, data.byteOffset, data.byteLength);
  } else {
    buf = Buffer.from(data);
    toBuffer.readOnly = false;
  }

  return buf;
}

module.exports = { concat, mask, toArrayBuffer, toBuffer, unmask };
