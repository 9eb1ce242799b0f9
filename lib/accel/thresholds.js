'use strict';

/**
 * Sizes below which the accelerator functions stay in JavaScript because a native call
 * costs more than the work (measured by `benches/js/accel.js`; see README "Performance").
 */
module.exports = {
  /** `mask()` below this many bytes runs the JS loop. */
  MASK_NATIVE_MIN: 32,
  /** `unmask()` below this many bytes runs the JS loop. */
  UNMASK_NATIVE_MIN: 32,
  /** `isValidUTF8()` below this many bytes runs in JS (or Node's `buffer.isUtf8`). */
  UTF8_NATIVE_MIN: 32
};
