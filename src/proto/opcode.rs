//! Frame opcodes (RFC 6455 §5.2).

/// A frame opcode. Reserved values are kept so errors can name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpCode {
  /// `0x0`: continues a fragmented message.
  Continuation,
  /// `0x1`: a text (UTF-8) message.
  Text,
  /// `0x2`: a binary message.
  Binary,
  /// `0x8`: close.
  Close,
  /// `0x9`: ping.
  Ping,
  /// `0xA`: pong.
  Pong,
  /// `0x3`-`0x7` and `0xB`-`0xF`: reserved, always a protocol error.
  Reserved(u8),
}

impl OpCode {
  /// Whether this is a control opcode (close, ping, pong or reserved `0xB`-`0xF`).
  pub fn is_control(self) -> bool {
    u8::from(self) & 0x08 != 0
  }
}

impl From<u8> for OpCode {
  /// Reads the low four bits of `byte`.
  fn from(byte: u8) -> Self {
    match byte & 0x0f {
      0x0 => OpCode::Continuation,
      0x1 => OpCode::Text,
      0x2 => OpCode::Binary,
      0x8 => OpCode::Close,
      0x9 => OpCode::Ping,
      0xa => OpCode::Pong,
      other => OpCode::Reserved(other),
    }
  }
}

impl From<OpCode> for u8 {
  fn from(op: OpCode) -> u8 {
    match op {
      OpCode::Continuation => 0x0,
      OpCode::Text => 0x1,
      OpCode::Binary => 0x2,
      OpCode::Close => 0x8,
      OpCode::Ping => 0x9,
      OpCode::Pong => 0xa,
      OpCode::Reserved(other) => other,
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn round_trips_every_nibble() {
    for b in 0u8..16 {
      assert_eq!(u8::from(OpCode::from(b)), b);
      assert_eq!(OpCode::from(b).is_control(), b >= 8);
    }
    assert_eq!(OpCode::from(0x83), OpCode::Reserved(3));
  }
}
