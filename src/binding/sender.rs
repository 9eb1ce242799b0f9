//! Frame serialisation into JS-owned memory: one call per message, no Buffer created here.

use crate::proto::encoder::{self, FrameOptions, MaskPool};
use crate::proto::OpCode;
use std::cell::RefCell;

/// Flag bits of `frameInto`'s `flags` (the low 4 bits are the opcode).
pub(crate) const FLAG_FIN: u32 = 0x10;
pub(crate) const FLAG_RSV1: u32 = 0x20;
/// Mask with the key given beside the flags.
pub(crate) const FLAG_MASK: u32 = 0x40;
/// Mask with a key from the pool of OS randomness.
pub(crate) const FLAG_RANDOM_MASK: u32 = 0x80;
/// Write only the header (the caller writes the payload after it).
pub(crate) const FLAG_HEADER_ONLY: u32 = 0x100;

thread_local! {
  static MASKS: RefCell<MaskPool> = RefCell::new(MaskPool::new());
}

/// The masking key the flags ask for: random from the pool, the given one, or none.
pub(crate) fn mask_key(flags: u32, mask: u32) -> Option<[u8; 4]> {
  if flags & FLAG_RANDOM_MASK != 0 {
    Some(MASKS.with(|pool| pool.borrow_mut().next_key()))
  } else if flags & FLAG_MASK != 0 {
    Some(mask.to_be_bytes())
  } else {
    None
  }
}

/// Writes one frame for `data` into `out` at `offset`; returns the bytes written.
///
/// `flags`: opcode in the low 4 bits, `0x10` FIN, `0x20` RSV1, `0x40` mask with `mask`
/// (a big-endian u32 key), `0x80` mask with a random key from the pool, `0x100` header only
/// (the caller writes `data` itself after it; unmasked frames only). `data` is never
/// modified: a masked payload is written masked into `out`.
///
/// Exported to JS as the raw callback `frameInto(out, offset, data, flags, mask)` (`raw.rs`):
/// it runs once per sent message. `out` and `data` must not overlap (checked by the caller).
pub(crate) fn frame_into(
  out: &mut [u8],
  offset: u32,
  data: &[u8],
  flags: u32,
  mask: u32,
) -> std::result::Result<u32, &'static [u8]> {
  let key = mask_key(flags, mask);
  let opts = FrameOptions {
    opcode: OpCode::from(flags as u8),
    fin: flags & FLAG_FIN != 0,
    rsv1: flags & FLAG_RSV1 != 0,
    mask: key,
  };
  let header_only = flags & FLAG_HEADER_ONLY != 0 && key.is_none();
  let need =
    encoder::header_len(data.len(), key.is_some()) + if header_only { 0 } else { data.len() };
  let offset = offset as usize;
  if offset.checked_add(need).is_none_or(|end| end > out.len()) {
    return Err(b"The output buffer is too small\0");
  }
  let written = if header_only {
    encoder::write_header(&mut out[offset..], data.len(), &opts)
  } else {
    encoder::write_frame(&mut out[offset..], data, &opts)
  };
  Ok(written as u32)
}
