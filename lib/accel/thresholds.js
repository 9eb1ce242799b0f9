'use strict';

/**
 * Sizes below which the accelerator functions stay in JavaScript because a native call
 * costs more than the work. Measured by `benches/js/accel.js` on Node 20 (see README
 * "Performance"): an unrolled JS loop masks 64 B in 35-85 ns (depending on what V8 made of
 * it), a native `mask` call costs ~90 ns below 256 B (bufferutil's about the same), `unmask`
 * ~55 ns.
 */
module.exports = {
  /** `mask()` below this many bytes runs the unrolled JS loop. */
  MASK_NATIVE_MIN: 80,
  /** `unmask()` below this many bytes runs the unrolled JS loop. */
  UNMASK_NATIVE_MIN: 80,
  /**
   * `isValidUTF8()` below this many bytes runs in JS; above, Node's own `buffer.isUtf8`
   * (simdutf, measured ~2x faster than the addon's simdutf8 on 2-byte text) when present,
   * else the addon.
   */
  UTF8_NATIVE_MIN: 24
};
