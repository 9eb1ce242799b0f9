//! Handshake helpers.

use crate::proto::handshake;
use napi_derive::napi;

/// `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`.
#[napi]
pub fn accept_key(key: String) -> String {
  handshake::accept_key(key.as_bytes())
}

/// A fresh random `Sec-WebSocket-Key`.
#[napi]
pub fn generate_key() -> String {
  handshake::generate_client_key()
}

/// Whether a `Sec-WebSocket-Key` has the shape RFC 6455 requires (base64 of 16 bytes).
#[napi]
pub fn is_valid_key(key: String) -> bool {
  handshake::is_valid_client_key(key.as_bytes())
}
