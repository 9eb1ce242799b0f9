//! Handshake list headers (`Sec-WebSocket-Extensions`, `Sec-WebSocket-Protocol`) and hixie-76
//! keys: the scan is in `crate::proto::header_list`; JS builds its objects from the tokens.

use crate::proto::header_list::{self, ListError};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// `grammar` of [`scan_header_list`]: ws 8's `Sec-WebSocket-Extensions`.
pub(crate) const GRAMMAR_WS_EXTENSIONS: u32 = 0;
/// websocket-extensions 0.2's `Sec-WebSocket-Extensions`.
pub(crate) const GRAMMAR_DRIVER_EXTENSIONS: u32 = 1;
/// ws 8's `Sec-WebSocket-Protocol`.
pub(crate) const GRAMMAR_SUBPROTOCOLS: u32 = 2;

/// Slot 0 of [`scan_header_list`]'s result: the tokens follow.
pub(crate) const SCAN_OK: u32 = 0;
/// Slot 0: an unexpected character, at the index in slot 1.
pub(crate) const SCAN_UNEXPECTED_CHARACTER: u32 = 1;
/// Slot 0: the header ended inside an element.
pub(crate) const SCAN_UNEXPECTED_END: u32 = 2;
/// Slot 0: a duplicate subprotocol, its range in slots 1 and 2.
pub(crate) const SCAN_DUPLICATE: u32 = 3;
/// Slot 0: invalid (websocket-extensions' one error).
pub(crate) const SCAN_INVALID: u32 = 4;

/// Scans a header value. Returns `[0, kind, start, end, …]` on success (token kinds as in
/// `proto::header_list`), or `[1, index]` unexpected character, `[2]` unexpected end,
/// `[3, start, end]` duplicate subprotocol, `[4]` invalid (websocket-extensions' one error).
#[napi(catch_unwind)]
pub fn scan_header_list(header: Utf16String, grammar: u32) -> Result<Uint32Array> {
  let scan = match grammar {
    GRAMMAR_WS_EXTENSIONS => header_list::scan_ws_extensions,
    GRAMMAR_DRIVER_EXTENSIONS => header_list::scan_driver_extensions,
    GRAMMAR_SUBPROTOCOLS => header_list::scan_subprotocols,
    _ => return Err(Error::new(Status::InvalidArg, "Unknown header grammar")),
  };
  let mut out = vec![SCAN_OK];
  if let Err(err) = scan(&header, &mut out) {
    out = match err {
      ListError::UnexpectedCharacter(i) => vec![SCAN_UNEXPECTED_CHARACTER, i as u32],
      ListError::UnexpectedEnd => vec![SCAN_UNEXPECTED_END],
      ListError::Duplicate(s, e) => vec![SCAN_DUPLICATE, s as u32, e as u32],
      ListError::Invalid => vec![SCAN_INVALID],
    };
  }
  Ok(Uint32Array::new(out))
}

/// The 32-bit number a hixie-76 `Sec-WebSocket-Key1/2` encodes, or `null` when
/// websocket-driver 0.8.0 refuses the key.
#[napi(catch_unwind)]
pub fn hixie76_key_number(key: Utf16String) -> Option<u32> {
  header_list::hixie76_key_number(&key)
}
