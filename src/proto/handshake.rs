//! Opening handshake helpers (RFC 6455 §4): the `Sec-WebSocket-Accept` value and client keys.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha1::{Digest, Sha1};

/// The GUID appended to the client's key before hashing (RFC 6455 §1.3).
pub const GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`: base64(sha1(key + GUID)), 28 bytes.
pub fn accept_key(key: &[u8]) -> String {
  let mut sha = Sha1::new();
  sha.update(key);
  sha.update(GUID);
  STANDARD.encode(sha.finalize())
}

/// Whether `key` has the shape of a client key: base64 of 16 bytes (22 characters from the
/// base64 alphabet then `==`), the check `ws` applies (`/^[+/0-9A-Za-z]{22}==$/`).
pub fn is_valid_client_key(key: &[u8]) -> bool {
  key.len() == 24
    && key[22] == b'='
    && key[23] == b'='
    && key[..22]
      .iter()
      .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// A fresh random `Sec-WebSocket-Key` (16 random bytes, base64) from the OS generator.
pub fn generate_client_key() -> String {
  let mut nonce = [0u8; 16];
  fill_random(&mut nonce);
  STANDARD.encode(nonce)
}

/// Fills `buf` with bytes from the operating system's CSPRNG.
///
/// # Panics
/// If the OS generator is unavailable (it never is on supported platforms).
pub fn fill_random(buf: &mut [u8]) {
  getrandom::fill(buf).expect("operating system random generator unavailable");
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn rfc6455_vector() {
    assert_eq!(
      accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
      "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
  }

  #[test]
  fn generated_keys_are_valid_and_distinct() {
    let a = generate_client_key();
    let b = generate_client_key();
    assert!(is_valid_client_key(a.as_bytes()) && is_valid_client_key(b.as_bytes()));
    assert_ne!(a, b);
  }

  #[test]
  fn key_shape() {
    assert!(is_valid_client_key(b"dGhlIHNhbXBsZSBub25jZQ=="));
    assert!(!is_valid_client_key(b"dGhlIHNhbXBsZSBub25jZQ="));
    assert!(!is_valid_client_key(b"dGhlIHNhbXBsZSBub25jZ!=="));
    assert!(!is_valid_client_key(b""));
  }
}
