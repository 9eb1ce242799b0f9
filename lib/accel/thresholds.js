'use strict';

/**
 * Sizes below which the accelerator functions stay in JavaScript because a native call
 * costs more than the work. Measured by `benches/js/accel.js` on Node 20 (see README
 * "Performance"): an unrolled JS loop masks 64 B in ~39 ns, a native call costs ~55 ns
 * whatever the size below 1 KiB (bufferutil's: ~46 ns).
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
