'use strict';

/**
 * Sizes below which the accelerator functions stay in JavaScript because calling out costs
 * more than the work, and what larger inputs go to. The figures are from
 * `benches/js/accel.js` (see README "Performance"); those for Node's functions are the
 * fastest of interleaved rounds (wall-clock and `--cpu-time` agree), with the unrolled loop
 * of `bufferutil.js` and the addon's functions timed on their own at the sizes around the
 * limits.
 *
 * Without Node's masking functions (Node < 26.12), larger inputs go to the addon: an
 * unrolled JS loop masks 64 B in 35-90 ns (depending on what V8 made of it), a native `mask`
 * call costs ~90 ns below 256 B (bufferutil's about the same), `unmask` ~50-55 ns.
 *
 * With them (`http.websocketMask` / `http.websocketUnmask`, Node >= 26.12), larger inputs
 * with a 4-byte key go to Node's, whatever their size: they end in V8 fast calls, so a
 * `websocketMask` / `websocketUnmask` of 48-125 B takes ~55 / ~37 ns where the addon's
 * N-API `mask` / `unmask` take ~88 / ~50 ns; at 1 KiB ~76 / ~57 ns against ~110 / ~70 ns;
 * at 16 KiB 3-8% less; from 64 KiB to 16 MiB the same per byte as the addon. Keys of other
 * lengths, which Node's functions refuse, go to the addon.
 */
module.exports = {
  /** `mask()` below this many bytes runs the unrolled JS loop (without Node's functions). */
  MASK_NATIVE_MIN: 80,
  /** `unmask()` below this many bytes runs the unrolled JS loop (without Node's functions). */
  UNMASK_NATIVE_MIN: 80,
  /**
   * `mask()` below this many bytes runs the unrolled JS loop where Node has
   * `http.websocketMask`; from here up, Node's function. The loop takes ~53 ns at 44 B and
   * ~56 ns at 48 B, about one `websocketMask` call (~53 ns), and ~65 ns at 56 B.
   */
  NODE_MASK_MIN: 48,
  /**
   * `unmask()` below this many bytes runs the unrolled JS loop where Node has
   * `http.websocketUnmask`; from here up, Node's function. The loop takes ~36 ns at 40 B and
   * ~38 ns at 44 B, about one `websocketUnmask` call (~37 ns), and ~41 ns at 48 B.
   */
  NODE_UNMASK_MIN: 44,
  /**
   * `isValidUTF8()` below this many bytes runs in JS; above, Node's own `buffer.isUtf8`
   * (simdutf, measured ~2x faster than the addon's simdutf8 on 2-byte text) when present,
   * else the addon.
   */
  UTF8_NATIVE_MIN: 24
};
