//! The N-API binding: the only module that uses `napi`. Each function converts its
//! arguments, calls `crate::proto`, and converts the result; no protocol logic lives here.

mod constants;
mod deflater;
mod errors;
mod handshake;
mod header_list;
mod http;
mod inflater;
mod nio;
mod raw;
mod receiver;
mod sender;

use napi::bindgen_prelude::{Error, Result, Status, Uint8Array};

/// Copies `bytes` into the JS array `out`, which must be exactly as long (JS allocated it from
/// a length the addon reported): what `nioTakeDataInto`, `takeMessageInto` and `takeFrame`
/// share. `what` names the call in the error.
fn copy_into_js(mut out: Uint8Array, bytes: &[u8], what: &str) -> Result<()> {
  // SAFETY: the JS thread is blocked for the call; `out` is a JS array napi-rs checked is not
  // borrowed elsewhere, and `bytes` is Rust memory.
  let out = unsafe { out.as_mut() };
  if out.len() != bytes.len() {
    return Err(Error::new(
      Status::InvalidArg,
      format!("{what}: the buffer is not {} bytes long", bytes.len()),
    ));
  }
  out.copy_from_slice(bytes);
  Ok(())
}
