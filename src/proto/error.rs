//! Protocol errors: one variant per violation, each mapped 1:1 to the `WS_ERR_*` code, close
//! status and message that `ws` 8.23 gives (`lib/receiver.js#createError`).

use thiserror::Error;

/// A violation of RFC 6455 (or of a configured limit) found in bytes received from the peer.
///
/// After an error the connection must be failed: the shim sends a close frame with
/// [`ProtocolError::close_code`] and reports [`ProtocolError::ws_code`] to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ProtocolError {
  /// RSV2 or RSV3 set: no negotiated extension uses them. Carries the frame's three RSV
  /// bits (`rsv1 << 2 | rsv2 << 1 | rsv3`), which websocket-driver's message names.
  #[error("Invalid WebSocket frame: RSV2 and RSV3 must be clear")]
  UnexpectedRsv23(u8),
  /// RSV1 set without permessage-deflate, or on a control or continuation frame. Carries
  /// the frame's three RSV bits, as [`ProtocolError::UnexpectedRsv23`].
  #[error("Invalid WebSocket frame: RSV1 must be clear")]
  UnexpectedRsv1(u8),
  /// Reserved opcode, a continuation with no message in progress (`0`), or a new data frame
  /// while a fragmented message is in progress (`1`/`2`).
  #[error("Invalid WebSocket frame: invalid opcode {0}")]
  InvalidOpcode(u8),
  /// A control frame with FIN clear (control frames must not be fragmented). Carries the
  /// opcode.
  #[error("Invalid WebSocket frame: FIN must be set")]
  ExpectedFin(u8),
  /// A control frame payload over 125 bytes, or a close payload of exactly 1 byte.
  #[error("Invalid WebSocket frame: invalid payload length {0}")]
  InvalidControlPayloadLength(u8),
  /// An unmasked frame where masking is required (frames from a client).
  #[error("Invalid WebSocket frame: MASK must be set")]
  ExpectedMask,
  /// A masked frame where masking is forbidden (frames from a server).
  #[error("Invalid WebSocket frame: MASK must be clear")]
  UnexpectedMask,
  /// A 64-bit payload length above 2^53 - 1 (the largest length JavaScript can represent).
  #[error("Unsupported WebSocket frame: payload length > 2^53 - 1")]
  PayloadLengthTooLarge,
  /// The message would exceed `max_payload`.
  #[error("Max payload size exceeded")]
  MessageTooLarge,
  /// The message has more than `max_fragments` data frames.
  #[error("Too many message fragments")]
  TooManyFragments,
  /// More than `max_buffered_chunks` socket chunks were held waiting for one frame.
  #[error("Too many buffered chunks")]
  TooManyBufferedChunks,
  /// A text message or close reason that is not valid UTF-8.
  #[error("Invalid WebSocket frame: invalid UTF-8 sequence")]
  InvalidUtf8,
  /// A close frame whose status code may not appear on the wire.
  #[error("Invalid WebSocket frame: invalid status code {0}")]
  InvalidCloseCode(u16),
  /// A compressed message that does not inflate (zlib's `Z_DATA_ERROR`, close 1007).
  #[error("invalid compressed data")]
  InvalidCompressedData,
}

impl ProtocolError {
  /// Every variant, in the order of [`ProtocolError::index`] (for tables and tests).
  pub const ALL: [ProtocolError; 14] = [
    ProtocolError::UnexpectedRsv23(0),
    ProtocolError::UnexpectedRsv1(0),
    ProtocolError::InvalidOpcode(0),
    ProtocolError::ExpectedFin(0),
    ProtocolError::InvalidControlPayloadLength(0),
    ProtocolError::ExpectedMask,
    ProtocolError::UnexpectedMask,
    ProtocolError::PayloadLengthTooLarge,
    ProtocolError::MessageTooLarge,
    ProtocolError::TooManyFragments,
    ProtocolError::TooManyBufferedChunks,
    ProtocolError::InvalidUtf8,
    ProtocolError::InvalidCloseCode(0),
    ProtocolError::InvalidCompressedData,
  ];

  /// A stable small number for the variant (what the binding reports to JS).
  pub fn index(&self) -> u8 {
    match self {
      ProtocolError::UnexpectedRsv23(_) => 0,
      ProtocolError::UnexpectedRsv1(_) => 1,
      ProtocolError::InvalidOpcode(_) => 2,
      ProtocolError::ExpectedFin(_) => 3,
      ProtocolError::InvalidControlPayloadLength(_) => 4,
      ProtocolError::ExpectedMask => 5,
      ProtocolError::UnexpectedMask => 6,
      ProtocolError::PayloadLengthTooLarge => 7,
      ProtocolError::MessageTooLarge => 8,
      ProtocolError::TooManyFragments => 9,
      ProtocolError::TooManyBufferedChunks => 10,
      ProtocolError::InvalidUtf8 => 11,
      ProtocolError::InvalidCloseCode(_) => 12,
      ProtocolError::InvalidCompressedData => 13,
    }
  }

  /// The number carried by the variant (RSV bits, opcode, length or status code), else 0.
  pub fn detail(&self) -> u32 {
    match *self {
      ProtocolError::UnexpectedRsv23(bits) | ProtocolError::UnexpectedRsv1(bits) => bits.into(),
      ProtocolError::InvalidOpcode(op) | ProtocolError::ExpectedFin(op) => op.into(),
      ProtocolError::InvalidControlPayloadLength(len) => len.into(),
      ProtocolError::InvalidCloseCode(code) => code.into(),
      _ => 0,
    }
  }

  /// The close status the connection is failed with (1002, 1007, 1008 or 1009).
  pub fn close_code(&self) -> u16 {
    match self {
      ProtocolError::InvalidUtf8 | ProtocolError::InvalidCompressedData => 1007,
      ProtocolError::TooManyFragments | ProtocolError::TooManyBufferedChunks => 1008,
      ProtocolError::PayloadLengthTooLarge | ProtocolError::MessageTooLarge => 1009,
      _ => 1002,
    }
  }

  /// The `err.code` string `ws` exposes for this violation.
  pub fn ws_code(&self) -> &'static str {
    match self {
      ProtocolError::UnexpectedRsv23(_) => "WS_ERR_UNEXPECTED_RSV_2_3",
      ProtocolError::UnexpectedRsv1(_) => "WS_ERR_UNEXPECTED_RSV_1",
      ProtocolError::InvalidOpcode(_) => "WS_ERR_INVALID_OPCODE",
      ProtocolError::ExpectedFin(_) => "WS_ERR_EXPECTED_FIN",
      ProtocolError::InvalidControlPayloadLength(_) => "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH",
      ProtocolError::ExpectedMask => "WS_ERR_EXPECTED_MASK",
      ProtocolError::UnexpectedMask => "WS_ERR_UNEXPECTED_MASK",
      ProtocolError::PayloadLengthTooLarge => "WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH",
      ProtocolError::MessageTooLarge => "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH",
      ProtocolError::TooManyFragments | ProtocolError::TooManyBufferedChunks => {
        "WS_ERR_TOO_MANY_BUFFERED_PARTS"
      }
      ProtocolError::InvalidUtf8 => "WS_ERR_INVALID_UTF8",
      ProtocolError::InvalidCloseCode(_) => "WS_ERR_INVALID_CLOSE_CODE",
      ProtocolError::InvalidCompressedData => "Z_DATA_ERROR",
    }
  }

  /// Whether `ws` reports this violation as a `RangeError` (all but invalid UTF-8, an `Error`).
  pub fn is_range_error(&self) -> bool {
    !matches!(
      self,
      ProtocolError::InvalidUtf8 | ProtocolError::InvalidCompressedData
    )
  }

  /// The close code and reason websocket-driver 0.8 fails the connection with for the same
  /// violation (its `Hybi` parser's messages): what the driver API reports. Violations
  /// websocket-driver has no message for get 1002 and `ws`'s message.
  pub fn driver_reason(&self) -> (u16, String) {
    const PROTOCOL_ERROR: u16 = 1002;
    match *self {
      ProtocolError::UnexpectedRsv23(bits) | ProtocolError::UnexpectedRsv1(bits) => (
        PROTOCOL_ERROR,
        format!(
          "One or more reserved bits are on: reserved1 = {}, reserved2 = {}, reserved3 = {}",
          (bits >> 2) & 1,
          (bits >> 1) & 1,
          bits & 1
        ),
      ),
      ProtocolError::InvalidOpcode(0) => (
        PROTOCOL_ERROR,
        "Received unexpected continuation frame".into(),
      ),
      ProtocolError::InvalidOpcode(1 | 2) => (
        PROTOCOL_ERROR,
        "Received new data frame but previous continuous frame is unfinished".into(),
      ),
      ProtocolError::InvalidOpcode(op) => {
        (PROTOCOL_ERROR, format!("Unrecognized frame opcode: {op}"))
      }
      ProtocolError::ExpectedFin(op) => (
        PROTOCOL_ERROR,
        format!("Received fragmented control frame: opcode = {op}"),
      ),
      ProtocolError::InvalidControlPayloadLength(n) => (
        PROTOCOL_ERROR,
        format!("Received control frame having too long payload: {n}"),
      ),
      ProtocolError::ExpectedMask => (
        1003,
        "Received unmasked frame but masking is required".into(),
      ),
      ProtocolError::PayloadLengthTooLarge | ProtocolError::MessageTooLarge => {
        (1009, "WebSocket frame length too large".into())
      }
      ProtocolError::InvalidUtf8 => (1007, "Could not decode a text frame as UTF-8".into()),
      ProtocolError::InvalidCompressedData => (1010, format!("permessage-deflate: {self}")),
      other => (PROTOCOL_ERROR, other.to_string()),
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn index_matches_all_order() {
    for (i, e) in ProtocolError::ALL.iter().enumerate() {
      assert_eq!(e.index() as usize, i);
    }
  }

  #[test]
  fn messages_match_ws() {
    assert_eq!(
      ProtocolError::InvalidOpcode(3).to_string(),
      "Invalid WebSocket frame: invalid opcode 3"
    );
    assert_eq!(
      ProtocolError::InvalidCloseCode(1005).to_string(),
      "Invalid WebSocket frame: invalid status code 1005"
    );
    assert_eq!(
      ProtocolError::MessageTooLarge.to_string(),
      "Max payload size exceeded"
    );
    assert_eq!(ProtocolError::MessageTooLarge.close_code(), 1009);
    assert_eq!(ProtocolError::InvalidUtf8.close_code(), 1007);
    assert_eq!(ProtocolError::TooManyFragments.close_code(), 1008);
    assert_eq!(ProtocolError::ExpectedMask.close_code(), 1002);
    assert!(!ProtocolError::InvalidUtf8.is_range_error());
  }

  #[test]
  fn driver_reasons_are_websocket_drivers() {
    let reason = |e: ProtocolError| e.driver_reason();
    assert_eq!(
      reason(ProtocolError::UnexpectedRsv23(0b011)),
      (
        1002,
        "One or more reserved bits are on: reserved1 = 0, reserved2 = 1, reserved3 = 1".into()
      )
    );
    assert_eq!(
      reason(ProtocolError::InvalidOpcode(0)),
      (1002, "Received unexpected continuation frame".into())
    );
    assert_eq!(
      reason(ProtocolError::InvalidOpcode(2)).1,
      "Received new data frame but previous continuous frame is unfinished"
    );
    assert_eq!(
      reason(ProtocolError::InvalidOpcode(11)).1,
      "Unrecognized frame opcode: 11"
    );
    assert_eq!(
      reason(ProtocolError::InvalidControlPayloadLength(126)).1,
      "Received control frame having too long payload: 126"
    );
    assert_eq!(reason(ProtocolError::ExpectedMask).0, 1003);
    assert_eq!(reason(ProtocolError::MessageTooLarge).0, 1009);
    assert_eq!(reason(ProtocolError::InvalidUtf8).0, 1007);
    assert_eq!(
      reason(ProtocolError::InvalidCompressedData),
      (1010, "permessage-deflate: invalid compressed data".into())
    );
    assert_eq!(
      reason(ProtocolError::UnexpectedMask),
      (1002, "Invalid WebSocket frame: MASK must be clear".into())
    );
  }
}
