'use strict';

/**
 * The `bufferutil` API: `{ mask, unmask }`, same signatures and results as bufferutil 4.x,
 * so `overrides: { bufferutil: 'npm:oxws' }` (or `require('oxws/bufferutil')`) accelerates
 * an unmodified `ws`. Small inputs stay in JavaScript. Larger ones go to Node's own
 * `http.websocketMask` / `http.websocketUnmask` where this Node has them (>= 26.12; cheaper
 * to call than the addon, and as fast per byte), else to the addon, loaded on first need.
 *
 * Requiring this module never throws: when the addon cannot be loaded (no prebuilt package
 * for the platform and no source build), the first input that needs it finds that out once
 * and every such input from then on is masked by the JavaScript loop, as bufferutil's
 * `fallback.js` does when its native build is missing. The load is not retried and nothing
 * is printed.
 */

const { MASK_NATIVE_MIN, UNMASK_NATIVE_MIN, NODE_MASK_MIN, NODE_UNMASK_MIN } = require('./thresholds');

/** Below this many bytes, inputs before the first larger one stay in JavaScript. */
const FIRST_LARGE_MIN = Math.min(MASK_NATIVE_MIN, UNMASK_NATIVE_MIN, NODE_MASK_MIN, NODE_UNMASK_MIN);

/** `mask()` / `unmask()` below this many bytes run the unrolled JS loop; see {@link setUp}. */
let maskMin = FIRST_LARGE_MIN;
let unmaskMin = FIRST_LARGE_MIN;

/** Whether {@link setUp} has run. */
let ready = false;

/** Node's `http.websocketMask` / `http.websocketUnmask`, where they exist. */
let nodeMask;
let nodeUnmask;

/** The addon's `mask` / `unmask` (or the JavaScript loops without it), loaded on first need. */
let nativeMask;
let nativeUnmask;

/**
 * The 4-byte masking key as the big-endian uint32 the addon's `mask` / `unmask` take (one
 * N-API call for a number where a Buffer's address and length take two).
 *
 * @param {Buffer} mask The masking key
 * @return {Number} Its first 4 bytes, big-endian
 * @throws {TypeError} If the key has fewer than 4 bytes
 * @private
 */
function keyOf(mask) {
  if (!(mask.length >= 4)) throw new TypeError('The mask must be at least 4 bytes');
  return ((mask[0] << 24) | (mask[1] << 16) | (mask[2] << 8) | mask[3]) >>> 0;
}

/**
 * `mask` in JavaScript with the key as a big-endian uint32 (the addon's signature), for
 * when the addon cannot be loaded.
 *
 * @param {Buffer} source The data to mask
 * @param {Number} key The masking key, big-endian
 * @param {Buffer} output Where to write the masked bytes
 * @param {Number} offset Where in `output` to start writing
 * @param {Number} length How many bytes of `source` to mask
 * @private
 */
function maskJs(source, key, output, offset, length) {
  const m0 = key >>> 24;
  const m1 = (key >>> 16) & 0xff;
  const m2 = (key >>> 8) & 0xff;
  const m3 = key & 0xff;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    output[offset + i] = source[i] ^ m0;
    output[offset + i + 1] = source[i + 1] ^ m1;
    output[offset + i + 2] = source[i + 2] ^ m2;
    output[offset + i + 3] = source[i + 3] ^ m3;
  }
  if (i < length) output[offset + i] = source[i] ^ m0;
  if (i + 1 < length) output[offset + i + 1] = source[i + 1] ^ m1;
  if (i + 2 < length) output[offset + i + 2] = source[i + 2] ^ m2;
}

/**
 * `unmask` in JavaScript with the key as a big-endian uint32 (the addon's signature), for
 * when the addon cannot be loaded.
 *
 * @param {Buffer} buffer The data to unmask in place
 * @param {Number} key The masking key, big-endian
 * @private
 */
function unmaskJs(buffer, key) {
  const m0 = key >>> 24;
  const m1 = (key >>> 16) & 0xff;
  const m2 = (key >>> 8) & 0xff;
  const m3 = key & 0xff;
  const length = buffer.length;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    buffer[i] ^= m0;
    buffer[i + 1] ^= m1;
    buffer[i + 2] ^= m2;
    buffer[i + 3] ^= m3;
  }
  if (i < length) buffer[i] ^= m0;
  if (i + 1 < length) buffer[i + 1] ^= m1;
  if (i + 2 < length) buffer[i + 2] ^= m2;
}

/**
 * Loads the addon's `mask` / `unmask` on first need; if the addon cannot be loaded, the
 * JavaScript loops take their place for good (the one load error is not kept or shown).
 *
 * @private
 */
function load() {
  let native;
  try {
    native = require('../native');
  } catch {
    nativeMask = maskJs;
    nativeUnmask = unmaskJs;
    return;
  }
  nativeMask = native.mask;
  nativeUnmask = native.unmask;
}

/**
 * Runs on the first input of {@link FIRST_LARGE_MIN} bytes or more: finds Node's masking
 * functions (Node >= 26.12) and sets the limits that go with having them or not. `http` is
 * looked at only then, so requiring this module stays cheap.
 *
 * @private
 */
function setUp() {
  ready = true;
  const { websocketMask, websocketUnmask } = require('http');
  if (typeof websocketMask === 'function' && typeof websocketUnmask === 'function') {
    nodeMask = websocketMask;
    nodeUnmask = websocketUnmask;
    maskMin = NODE_MASK_MIN;
    unmaskMin = NODE_UNMASK_MIN;
  } else {
    maskMin = MASK_NATIVE_MIN;
    unmaskMin = UNMASK_NATIVE_MIN;
  }
}

/**
 * Masks `source` with `key` into `output` (bufferutil semantics): small inputs in
 * JavaScript; larger ones with a 4-byte key (what ws passes) by Node's `websocketMask`
 * where it exists; the rest (and every larger input on older Nodes) by the addon, which
 * takes any key of at least 4 bytes (only the first 4 are used).
 *
 * @param {Buffer} source The data to mask
 * @param {Buffer} key The 4-byte masking key
 * @param {Buffer} output Where to write the masked bytes
 * @param {Number} offset Where in `output` to start writing
 * @param {Number} length How many bytes of `source` to mask
 * @public
 */
function mask(source, key, output, offset, length) {
  if (length < maskMin) {
    const m0 = key[0];
    const m1 = key[1];
    const m2 = key[2];
    const m3 = key[3];
    let i = 0;
    for (; i + 3 < length; i += 4) {
      output[offset + i] = source[i] ^ m0;
      output[offset + i + 1] = source[i + 1] ^ m1;
      output[offset + i + 2] = source[i + 2] ^ m2;
      output[offset + i + 3] = source[i + 3] ^ m3;
    }
    for (; i < length; i++) output[offset + i] = source[i] ^ key[i & 3];
    return;
  }
  if (nodeMask !== undefined && key.byteLength === 4) {
    nodeMask(source, key, output, offset, length);
    return;
  }
  if (nativeMask === undefined) {
    if (!ready) {
      // Once: with the limits and functions of this Node known, start over.
      setUp();
      mask(source, key, output, offset, length);
      return;
    }
    load();
  }
  nativeMask(source, keyOf(key), output, offset, length);
}

/**
 * Unmasks `buffer` in place with `key` (bufferutil semantics); see {@link mask} for which
 * implementation takes which input.
 *
 * @param {Buffer} buffer The data to unmask
 * @param {Buffer} key The 4-byte masking key
 * @public
 */
function unmask(buffer, key) {
  const length = buffer.length;
  if (length < unmaskMin) {
    const m0 = key[0];
    const m1 = key[1];
    const m2 = key[2];
    const m3 = key[3];
    let i = 0;
    for (; i + 3 < length; i += 4) {
      buffer[i] ^= m0;
      buffer[i + 1] ^= m1;
      buffer[i + 2] ^= m2;
      buffer[i + 3] ^= m3;
    }
    for (; i < length; i++) buffer[i] ^= key[i & 3];
    return;
  }
  if (nodeUnmask !== undefined && key.byteLength === 4) {
    nodeUnmask(buffer, key);
    return;
  }
  if (nativeUnmask === undefined) {
    if (!ready) {
      setUp();
      unmask(buffer, key);
      return;
    }
    load();
  }
  nativeUnmask(buffer, keyOf(key));
}

module.exports = { mask, unmask };
