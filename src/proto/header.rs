//! Frame header parse and format (RFC 6455 §5.2).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-------+-+-------------+-------------------------------+
//! |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//! |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//! |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//! | |1|2|3|       |K|             |                               |
//! +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//! |     Extended payload length continued, if payload len == 127  |
//! + - - - - - - - - - - - - - - - +-------------------------------+
//! |                               |Masking-key, if MASK set to 1  |
//! +-------------------------------+-------------------------------+
//! ```

use super::error::ProtocolError;
use super::opcode::OpCode;

/// Longest possible header: 2 + 8 (64-bit length) + 4 (mask key).
pub const MAX_HEADER_LEN: usize = 14;
/// Largest payload length accepted: 2^53 - 1, the largest integer JavaScript represents exactly.
pub const MAX_PAYLOAD_LEN: u64 = (1 << 53) - 1;

/// FIN bit of the first byte.
pub const FIN: u8 = 0x80;
/// RSV1 bit (permessage-deflate's "compressed" bit).
pub const RSV1: u8 = 0x40;
/// RSV2 bit.
pub const RSV2: u8 = 0x20;
/// RSV3 bit.
pub const RSV3: u8 = 0x10;

/// A decoded frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
  /// Final fragment of a message.
  pub fin: bool,
  /// The RSV bits as they appear in the first byte (`RSV1 | RSV2 | RSV3` mask).
  pub rsv: u8,
  /// The opcode.
  pub opcode: OpCode,
  /// The masking key, when the MASK bit is set.
  pub mask: Option<[u8; 4]>,
  /// Payload length in bytes.
  pub payload_len: u64,
}

impl FrameHeader {
  /// Length of the header that the first two bytes announce (2 to 14).
  pub fn len_from_first_two(b1: u8) -> usize {
    let ext = match b1 & 0x7f {
      126 => 2,
      127 => 8,
      _ => 0,
    };
    2 + ext + if b1 & 0x80 != 0 { 4 } else { 0 }
  }

  /// Parses a header from the start of `buf`.
  ///
  /// Returns `Ok(None)` if `buf` does not hold the whole header yet (nothing is consumed),
  /// else the header and its length in bytes. The only error found here is a 64-bit length
  /// above [`MAX_PAYLOAD_LEN`]; the semantic checks (opcode, RSV, masking, control frame
  /// rules) belong to the decoder, which knows the connection's state.
  pub fn parse(buf: &[u8]) -> Result<Option<(FrameHeader, usize)>, ProtocolError> {
    if buf.len() < 2 {
      return Ok(None);
    }
    let (b0, b1) = (buf[0], buf[1]);
    let header_len = Self::len_from_first_two(b1);
    if buf.len() < header_len {
      return Ok(None);
    }
    let (payload_len, mask_at) = match b1 & 0x7f {
      126 => (u64::from(u16::from_be_bytes([buf[2], buf[3]])), 4),
      127 => {
        let mut b = [0u8; 8];
        b.copy_from_slice(&buf[2..10]);
        let len = u64::from_be_bytes(b);
        if len > MAX_PAYLOAD_LEN {
          return Err(ProtocolError::PayloadLengthTooLarge);
        }
        (len, 10)
      }
      n => (u64::from(n), 2),
    };
    let mask = (b1 & 0x80 != 0).then(|| {
      [
        buf[mask_at],
        buf[mask_at + 1],
        buf[mask_at + 2],
        buf[mask_at + 3],
      ]
    });
    Ok(Some((
      FrameHeader {
        fin: b0 & FIN != 0,
        rsv: b0 & (RSV1 | RSV2 | RSV3),
        opcode: OpCode::from(b0),
        mask,
        payload_len,
      },
      header_len,
    )))
  }

  /// Writes the header into `out` using the shortest length encoding; returns its length.
  pub fn format(&self, out: &mut [u8; MAX_HEADER_LEN]) -> usize {
    out[0] =
      if self.fin { FIN } else { 0 } | (self.rsv & (RSV1 | RSV2 | RSV3)) | u8::from(self.opcode);
    let mask_bit = if self.mask.is_some() { 0x80 } else { 0 };
    let mut at = if self.payload_len < 126 {
      out[1] = mask_bit | self.payload_len as u8;
      2
    } else if self.payload_len <= 0xffff {
      out[1] = mask_bit | 126;
      out[2..4].copy_from_slice(&(self.payload_len as u16).to_be_bytes());
      4
    } else {
      out[1] = mask_bit | 127;
      out[2..10].copy_from_slice(&self.payload_len.to_be_bytes());
      10
    };
    if let Some(key) = self.mask {
      out[at..at + 4].copy_from_slice(&key);
      at += 4;
    }
    at
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
      .step_by(2)
      .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
      .collect()
  }

  #[test]
  fn rfc6455_examples() {
    // §5.7: single-frame unmasked text "Hello".
    let (h, n) = FrameHeader::parse(&hex("810548656c6c6f")).unwrap().unwrap();
    assert_eq!(
      (h.fin, h.opcode, h.mask, h.payload_len, n),
      (true, OpCode::Text, None, 5, 2)
    );
    // Masked "Hello".
    let (h, n) = FrameHeader::parse(&hex("818537fa213d7f9f4d5158"))
      .unwrap()
      .unwrap();
    assert_eq!(
      (h.mask, h.payload_len, n),
      (Some([0x37, 0xfa, 0x21, 0x3d]), 5, 6)
    );
    // 256 bytes binary, 16-bit length.
    let (h, n) = FrameHeader::parse(&hex("827e0100")).unwrap().unwrap();
    assert_eq!((h.opcode, h.payload_len, n), (OpCode::Binary, 256, 4));
    // 64 KiB binary, 64-bit length.
    let (h, n) = FrameHeader::parse(&hex("827f0000000000010000"))
      .unwrap()
      .unwrap();
    assert_eq!((h.payload_len, n), (65536, 10));
    // First fragment / continuation.
    let (h, _) = FrameHeader::parse(&hex("010348656c")).unwrap().unwrap();
    assert_eq!((h.fin, h.opcode), (false, OpCode::Text));
    let (h, _) = FrameHeader::parse(&hex("80026c6f")).unwrap().unwrap();
    assert_eq!((h.fin, h.opcode), (true, OpCode::Continuation));
  }

  #[test]
  fn short_input_is_need_more() {
    let full = hex("82ff000000000001000011223344");
    for cut in 0..full.len() {
      assert_eq!(FrameHeader::parse(&full[..cut]).unwrap(), None, "cut {cut}");
    }
    assert!(FrameHeader::parse(&full).unwrap().is_some());
  }

  #[test]
  fn rejects_lengths_over_2_53() {
    assert_eq!(
      FrameHeader::parse(&hex("827f0020000000000000")),
      Err(ProtocolError::PayloadLengthTooLarge)
    );
    assert!(FrameHeader::parse(&hex("827f001fffffffffffff"))
      .unwrap()
      .is_some());
  }

  #[test]
  fn format_round_trips() {
    for len in [0u64, 1, 125, 126, 127, 65535, 65536, MAX_PAYLOAD_LEN] {
      for mask in [None, Some([1, 2, 3, 4])] {
        for (fin, rsv, op) in [
          (true, 0, OpCode::Text),
          (false, RSV1, OpCode::Binary),
          (true, 0, OpCode::Ping),
        ] {
          let h = FrameHeader {
            fin,
            rsv,
            opcode: op,
            mask,
            payload_len: len,
          };
          let mut out = [0u8; MAX_HEADER_LEN];
          let n = out.len().min(h.format(&mut out));
          assert_eq!(FrameHeader::parse(&out[..n]).unwrap(), Some((h, n)));
        }
      }
    }
  }
}
