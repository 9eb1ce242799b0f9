//! Frame serialisation: a header alone (the caller writes the payload after it, e.g. under
//! `cork()`), or a whole frame merged into one buffer with the payload masked on the way
//! (the user's buffer is never masked in place).

use super::handshake::fill_random;
use super::header::{FrameHeader, MAX_HEADER_LEN, RSV1};
use super::mask::mask_into;
use super::opcode::OpCode;

/// How to frame one outgoing payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameOptions {
  /// The opcode.
  pub opcode: OpCode,
  /// FIN: last frame of the message.
  pub fin: bool,
  /// RSV1: the payload is compressed (permessage-deflate).
  pub rsv1: bool,
  /// Masking key (clients must mask; servers must not).
  pub mask: Option<[u8; 4]>,
}

impl FrameOptions {
  fn header(&self, payload_len: usize) -> FrameHeader {
    FrameHeader {
      fin: self.fin,
      rsv: if self.rsv1 { RSV1 } else { 0 },
      opcode: self.opcode,
      mask: self.mask,
      payload_len: payload_len as u64,
    }
  }
}

/// Length of the header for a payload of `payload_len` bytes (2 to 14).
pub fn header_len(payload_len: usize, masked: bool) -> usize {
  let base = if payload_len < 126 {
    2
  } else if payload_len <= 0xffff {
    4
  } else {
    10
  };
  base + if masked { 4 } else { 0 }
}

/// Writes the frame header for `payload_len` bytes at the start of `out`; returns its length.
///
/// # Panics
/// If `out` is shorter than [`header_len`].
pub fn write_header(out: &mut [u8], payload_len: usize, opts: &FrameOptions) -> usize {
  let mut header = [0u8; MAX_HEADER_LEN];
  let n = opts.header(payload_len).format(&mut header);
  out[..n].copy_from_slice(&header[..n]);
  n
}

/// Writes header and payload (masked with `opts.mask` if set) into `out`; returns the frame
/// length, `header_len(payload.len(), masked) + payload.len()`.
///
/// # Panics
/// If `out` is shorter than the frame.
pub fn write_frame(out: &mut [u8], payload: &[u8], opts: &FrameOptions) -> usize {
  let n = write_header(out, payload.len(), opts);
  let end = n + payload.len();
  match opts.mask {
    Some(key) if key != [0; 4] => mask_into(payload, key, &mut out[n..end]),
    _ => out[n..end].copy_from_slice(payload),
  }
  end
}

/// Masking keys drawn from the OS generator in batches (like `ws`'s 8 KiB `randomFillSync`
/// pool): one system call per 2048 keys.
#[derive(Debug)]
pub struct MaskPool {
  pool: Box<[u8; MaskPool::SIZE]>,
  at: usize,
}

impl Default for MaskPool {
  fn default() -> Self {
    Self::new()
  }
}

impl MaskPool {
  /// Bytes of randomness fetched at a time.
  pub const SIZE: usize = 8192;

  /// An empty pool (filled on first use).
  pub fn new() -> Self {
    MaskPool {
      pool: Box::new([0; Self::SIZE]),
      at: Self::SIZE,
    }
  }

  /// The next random masking key.
  pub fn next_key(&mut self) -> [u8; 4] {
    if self.at == Self::SIZE {
      fill_random(&mut self.pool[..]);
      self.at = 0;
    }
    let k = [
      self.pool[self.at],
      self.pool[self.at + 1],
      self.pool[self.at + 2],
      self.pool[self.at + 3],
    ];
    self.at += 4;
    k
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::proto::mask::apply_mask_scalar;

  fn opts(opcode: OpCode, mask: Option<[u8; 4]>) -> FrameOptions {
    FrameOptions {
      opcode,
      fin: true,
      rsv1: false,
      mask,
    }
  }

  #[test]
  fn rfc6455_frames() {
    let mut out = [0u8; 64];
    let n = write_frame(&mut out, b"Hello", &opts(OpCode::Text, None));
    assert_eq!(&out[..n], &[0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    let n = write_frame(
      &mut out,
      b"Hello",
      &opts(OpCode::Text, Some([0x37, 0xfa, 0x21, 0x3d])),
    );
    assert_eq!(
      &out[..n],
      &[0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
    );
    let n = write_frame(&mut out, b"Hello", &opts(OpCode::Ping, None));
    assert_eq!(&out[..n], &[0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
  }

  #[test]
  fn header_lengths() {
    for (len, expect) in [(0, 2), (125, 2), (126, 4), (65535, 4), (65536, 10)] {
      assert_eq!(header_len(len, false), expect);
      assert_eq!(header_len(len, true), expect + 4);
      let mut out = [0u8; MAX_HEADER_LEN];
      assert_eq!(
        write_header(&mut out, len, &opts(OpCode::Binary, Some([1, 2, 3, 4]))),
        expect + 4
      );
    }
  }

  #[test]
  fn masks_into_a_copy() {
    let payload: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
    let key = [0xde, 0xad, 0xbe, 0xef];
    let mut out = vec![0u8; 310];
    let n = write_frame(&mut out, &payload, &opts(OpCode::Binary, Some(key)));
    assert_eq!(n, 8 + 300);
    let mut body = out[8..n].to_vec();
    apply_mask_scalar(&mut body, key, 0);
    assert_eq!(body, payload);
  }

  #[test]
  fn mask_pool_gives_varied_keys() {
    let mut pool = MaskPool::new();
    let keys: Vec<[u8; 4]> = (0..5000).map(|_| pool.next_key()).collect();
    let distinct: std::collections::HashSet<_> = keys.iter().collect();
    assert!(distinct.len() > 4900);
  }
}
