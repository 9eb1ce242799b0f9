//! `bufferutil` / `utf-8-validate` accelerator entry points.

use crate::proto::{mask, utf8};
use napi::bindgen_prelude::*;
use napi_derive::napi;

fn key(mask: &[u8]) -> Result<[u8; 4]> {
  match mask {
    [a, b, c, d, ..] => Ok([*a, *b, *c, *d]),
    _ => Err(Error::new(
      Status::InvalidArg,
      "The mask must be at least 4 bytes",
    )),
  }
}

/// Whether two byte slices share memory.
pub(crate) fn overlaps(a: &[u8], b: &[u8]) -> bool {
  let (a0, a1) = (a.as_ptr() as usize, a.as_ptr() as usize + a.len());
  let (b0, b1) = (b.as_ptr() as usize, b.as_ptr() as usize + b.len());
  a0 < b1 && b0 < a1
}

/// `bufferutil.mask`: writes `length` bytes of `source ^ mask` at `output[offset]`.
/// Out-of-range arguments throw instead of writing out of bounds.
#[napi(catch_unwind)]
pub fn mask(
  source: &[u8],
  mask: &[u8],
  mut output: Uint8ArraySlice,
  offset: u32,
  length: u32,
) -> Result<()> {
  let key = key(mask)?;
  // SAFETY: the JS thread is blocked for the call and no other Rust reference to `output`
  // exists; `source` may share its memory (`mask(buf, m, buf, 0, n)`), so it is copied first
  // when it does.
  let output = unsafe { output.as_mut() };
  let overlap = overlaps(source, output);
  let owned;
  let source = if overlap {
    owned = source.to_vec();
    &owned[..]
  } else {
    source
  };
  let (offset, length) = (offset as usize, length as usize);
  if length > source.len()
    || offset
      .checked_add(length)
      .is_none_or(|end| end > output.len())
  {
    return Err(Error::new(
      Status::InvalidArg,
      "The offset and length are out of range",
    ));
  }
  mask::mask_into(&source[..length], key, &mut output[offset..offset + length]);
  Ok(())
}

/// `bufferutil.unmask`: XORs `buffer` with `mask` in place.
#[napi(catch_unwind)]
pub fn unmask(mut buffer: Uint8ArraySlice, mask: &[u8]) -> Result<()> {
  let key = key(mask)?;
  // SAFETY: the JS thread is blocked for the call; this is the only reference to `buffer`.
  mask::apply_mask(unsafe { buffer.as_mut() }, key, 0);
  Ok(())
}

/// `utf-8-validate`: whether the bytes are valid UTF-8.
#[napi(js_name = "isValidUTF8", catch_unwind)]
pub fn is_valid_utf8(buffer: &[u8]) -> bool {
  utf8::is_valid(buffer)
}
