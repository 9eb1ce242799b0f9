'use strict';

/**
 * Frame serialisation for the JS side: one native call per message writes the frame into
 * JS-owned memory (no Buffer is created in Rust).
 *
 * - Small frames, and every masked frame, are merged into one buffer (header + payload,
 *   masked on the way; the caller's data is never modified). Small ones come from a slab
 *   that is only ever appended to, so slices handed out stay valid.
 * - Large unmasked frames get only their header written; the caller writes the payload
 *   after it (under `cork()`), so the payload is never copied.
 */

const native = require('../native');
const wire = require('./wire');

/** Opcodes and the flag bits of `native.frameInto` (see `src/binding/sender.rs`). */
const {
  opcodeContinuation: OPCODE_CONTINUATION,
  opcodeText: OPCODE_TEXT,
  opcodeBinary: OPCODE_BINARY,
  opcodeClose: OPCODE_CLOSE,
  opcodePing: OPCODE_PING,
  opcodePong: OPCODE_PONG,
  flagFin: FLAG_FIN,
  flagRsv1: FLAG_RSV1,
  flagMask: FLAG_MASK,
  flagRandomMask: FLAG_RANDOM_MASK,
  flagHeaderOnly: FLAG_HEADER_ONLY,
  /** Largest header: 2 + 8 + 4. */
  maxHeader: MAX_HEADER
} = wire.sender;
/** Unmasked payloads up to this size are copied next to their header (one write). */
const MERGE_MAX = 1024;
/** Slab size for merged frames. */
const SLAB_SIZE = 64 * 1024;
/**
 * Bytes reserved beyond `length + length / 1024` for a compressed payload: DEFLATE's worst
 * case (stored blocks) adds 5 bytes per 16 KiB block, plus the final flush.
 */
const COMPRESSED_SLACK = 64;

let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let slabOffset = 0;

/**
 * Reserves `size` bytes in the slab (a new slab when the current one is full).
 *
 * @param {Number} size Bytes needed
 * @return {Number} The offset in `slab`
 * @private
 */
function reserve(size) {
  if (slabOffset + size > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    slabOffset = 0;
  }
  return slabOffset;
}

/**
 * Frames `data`.
 *
 * @param {Buffer} data The payload (a Buffer or Uint8Array; never modified)
 * @param {Number} opcode The opcode
 * @param {Object} [options] Options
 * @param {Boolean} [options.fin=true] Last frame of the message
 * @param {Boolean} [options.rsv1=false] Compressed payload
 * @param {Boolean} [options.mask=false] Mask the payload (client side)
 * @param {Number} [options.maskKey] A 32-bit big-endian key; random when omitted
 * @param {Boolean} [options.merge=false] Copy even a large unmasked payload next to its
 *     header (for callers that cannot cork, such as a driver's `io` stream)
 * @return {Buffer[]} One buffer (merged frame) or two (header, then `data` itself)
 * @public
 */
function frame(data, opcode, options = {}) {
  const flags = flagsFor(opcode, options);
  const key = options.mask && options.maskKey !== undefined ? options.maskKey >>> 0 : 0;

  const length = data.length;

  if (!options.mask && length > MERGE_MAX && !options.merge) {
    const at = reserve(MAX_HEADER);
    const n = native.frameInto(slab, at, data, flags | FLAG_HEADER_ONLY, 0);
    slabOffset = at + n;
    return [slab.subarray(at, at + n), data];
  }

  if (length + MAX_HEADER > SLAB_SIZE / 4) {
    const out = Buffer.allocUnsafe(length + MAX_HEADER);
    const n = native.frameInto(out, 0, data, flags, key);
    return [out.subarray(0, n)];
  }

  const at = reserve(length + MAX_HEADER);
  const n = native.frameInto(slab, at, data, flags, key);
  slabOffset = at + n;
  return [slab.subarray(at, at + n)];
}

/**
 * The `frameInto` flag bits for a frame.
 *
 * @param {Number} opcode The opcode
 * @param {Object} options `fin` (default true), `rsv1`, `mask`, `maskKey`
 * @return {Number} The flags
 * @private
 */
function flagsFor(opcode, options) {
  let flags = opcode;
  if (options.fin !== false) flags |= FLAG_FIN;
  if (options.rsv1) flags |= FLAG_RSV1;
  if (options.mask) flags |= options.maskKey === undefined ? FLAG_RANDOM_MASK : FLAG_MASK;
  return flags;
}

/**
 * Compresses and frames `data` with a permessage-deflate context (one native call). A
 * payload of up to 16 KiB is framed into the slab, with room for the worst case of
 * DEFLATE (stored blocks); a larger one into a Buffer the addon makes.
 *
 * @param {Object} deflate A native `Deflater`, or an object with its `frame(data, flags,
 *     maskKey)`, `frameInto(out, offset, data, flags, maskKey)` and `takeFrame(out)`
 *     (PerMessageDeflate)
 * @param {Buffer} data The payload
 * @param {Number} opcode The opcode (0 for continuation fragments)
 * @param {Object} [options] As for `frame()`; `rsv1` marks the first fragment
 * @return {Buffer[]} The frame, as one buffer
 * @public
 */
function frameCompressed(deflate, data, opcode, options = {}) {
  const key = options.mask && options.maskKey !== undefined ? options.maskKey >>> 0 : 0;
  const flags = flagsFor(opcode, options);
  const length = data.length;
  if (length > SLAB_SIZE / 4) return [deflate.frame(data, flags, key)];

  const at = reserve(length + (length >> 10) + COMPRESSED_SLACK + MAX_HEADER);
  const n = deflate.frameInto(slab, at, data, flags, key);
  if (n >= 0) {
    slabOffset = at + n;
    return [slab.subarray(at, at + n)];
  }
  // Larger than the room reserved (not seen: the reservation is above DEFLATE's bound).
  const out = Buffer.allocUnsafe(-n);
  deflate.takeFrame(out);
  return [out];
}

module.exports = {
  frame,
  frameCompressed,
  OPCODE_CONTINUATION,
  OPCODE_TEXT,
  OPCODE_BINARY,
  OPCODE_CLOSE,
  OPCODE_PING,
  OPCODE_PONG
};
