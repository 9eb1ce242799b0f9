'use strict';

/**
 * Sizes below which the accelerator functions stay in JavaScript because calling out costs
 * more than the work. The figures are from `benches/js/accel.js` and describe the code as it
 * is (see README "Performance").
 *
 * Without Node's masking functions (Node < 26.12), larger inputs go to the addon: an
 * unrolled JS loop masks 64 B in 35-90 ns (depending on what V8 made of it), a native `mask`
 * call costs ~90 ns below 256 B (bufferutil's about the same), `unmask` ~50-55 ns.
 *
 * With them (`http.websocketMask` / `http.websocketUnmask`, Node >= 26.12), larger inputs
 * with a 4-byte key go to Node's: they are V8 fast calls, ~50 ns for `websocketMask` and
 * ~35 ns for `websocketUnmask` up to 1 KiB where the addon's N-API calls take ~90 and ~50
 * ns, still ~10% cheaper at 16 KiB, and the same per byte as the addon from 64 KiB to
 * 16 MiB. Keys of other lengths (which Node's functions refuse) go to the addon.
 */
module.exports = {
  /** `mask()` below this many bytes runs the unrolled JS loop (without Node's functions). */
  MASK_NATIVE_MIN: 80,
  /** `unmask()` below this many bytes runs the unrolled JS loop (without Node's functions). */
  UNMASK_NATIVE_MIN: 80,
  /**
   * `mask()` below this many bytes runs the unrolled JS loop where Node has
   * `http.websocketMask`; from here up, Node's function. The loop takes ~45-55 ns at 44-48 B,
   * the same as one `websocketMask` call (~50 ns), and ~65 ns at 56 B.
   */
  NODE_MASK_MIN: 48,
  /**
   * `unmask()` below this many bytes runs the unrolled JS loop where Node has
   * `http.websocketUnmask`; from here up, Node's function. The loop takes ~36-38 ns at
   * 40-44 B, the same as one `websocketUnmask` call (~36 ns), and ~41 ns at 48 B.
   */
  NODE_UNMASK_MIN: 44,
  /**
   * `isValidUTF8()` below this many bytes runs in JS; above, Node's own `buffer.isUtf8`
   * (simdutf, measured ~2x faster than the addon's simdutf8 on 2-byte text) when present,
   * else the addon.
   */
  UTF8_NATIVE_MIN: 24
};
