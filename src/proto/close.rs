//! Close frame payloads (RFC 6455 §5.5.1, §7.4): status codes and reasons.

use super::error::ProtocolError;
use super::utf8;

/// The status reported when a close frame carries no payload (never sent on the wire).
pub const NO_STATUS: u16 = 1005;
/// The status reported when the connection dropped without a close frame (never on the wire).
pub const ABNORMAL: u16 = 1006;
/// Longest close reason in bytes: a control payload is at most 125 bytes, 2 are the code.
pub const MAX_REASON_LEN: usize = 123;

/// Whether `code` may appear in a close frame, on the wire in either direction
/// (1000-1003, 1007-1014, 3000-4999; `ws`'s `isValidStatusCode`). The same set is what
/// `ws`'s `close(code)` accepts from the user.
pub fn is_valid_code(code: u16) -> bool {
  (1000..=1014).contains(&code) && !matches!(code, 1004..=1006) || (3000..=4999).contains(&code)
}

/// A validated close payload: the code and the byte range of the reason within the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosePayload {
  /// The status code; [`NO_STATUS`] (1005) when the payload was empty.
  pub code: u16,
  /// Offset of the reason in the payload (2, or 0 when empty).
  pub reason_start: usize,
}

/// Parses and validates a received close payload (already unmasked).
///
/// An empty payload gives 1005. A 1-byte payload is rejected earlier, by the frame header
/// check (`InvalidControlPayloadLength(1)`); here it gives the same error. The reason must be
/// UTF-8 unless `skip_utf8` is set.
pub fn parse(payload: &[u8], skip_utf8: bool) -> Result<ClosePayload, ProtocolError> {
  match payload.len() {
    0 => Ok(ClosePayload {
      code: NO_STATUS,
      reason_start: 0,
    }),
    1 => Err(ProtocolError::InvalidControlPayloadLength(1)),
    _ => {
      let code = u16::from_be_bytes([payload[0], payload[1]]);
      if !is_valid_code(code) {
        return Err(ProtocolError::InvalidCloseCode(code));
      }
      if !skip_utf8 && !utf8::is_valid(&payload[2..]) {
        return Err(ProtocolError::InvalidUtf8);
      }
      Ok(ClosePayload {
        code,
        reason_start: 2,
      })
    }
  }
}

/// The codes websocket-driver 0.8 accepts from a peer besides 3000-4999 (its `ERROR_CODES`).
const LENIENT_CODES: [u16; 9] = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011];

/// Reads a received close payload as websocket-driver 0.8 does: it never fails the
/// connection. The result's `code` is the one to report and to answer with: the peer's code
/// when it is one websocket-driver accepts (1000-1003, 1007-1011, 3000-4999), 1000 for an
/// empty payload, and 1002 (protocol error) for any other code, a 1-byte payload, or a
/// reason that is not UTF-8. The reason is kept only when it is UTF-8: otherwise
/// `reason_start` is the payload's end (an empty reason).
pub fn lenient(payload: &[u8]) -> ClosePayload {
  const PROTOCOL_ERROR: u16 = 1002;
  let n = payload.len();
  let reason_ok = n > 2 && utf8::is_valid(&payload[2..]);
  let code = match payload {
    [] => 1000,
    [_] => PROTOCOL_ERROR,
    [hi, lo, ..] => {
      let code = u16::from_be_bytes([*hi, *lo]);
      if (3000..=4999).contains(&code) || LENIENT_CODES.contains(&code) {
        code
      } else {
        PROTOCOL_ERROR
      }
    }
  };
  ClosePayload {
    code: if n > 2 && !reason_ok {
      PROTOCOL_ERROR
    } else {
      code
    },
    reason_start: if reason_ok { 2 } else { n },
  }
}

/// The status code of a close payload without checking it: the first two bytes, or
/// [`NO_STATUS`] when there are fewer.
pub fn peek_code(payload: &[u8]) -> u16 {
  match payload {
    [hi, lo, ..] => u16::from_be_bytes([*hi, *lo]),
    _ => NO_STATUS,
  }
}

/// Writes a close payload (`code` then `reason`) into `out`; returns the length written.
/// `code == NO_STATUS` writes an empty payload. `reason` must be at most [`MAX_REASON_LEN`]
/// bytes and `out` at least `2 + reason.len()` long.
pub fn write(code: u16, reason: &[u8], out: &mut [u8]) -> usize {
  if code == NO_STATUS {
    return 0;
  }
  out[..2].copy_from_slice(&code.to_be_bytes());
  out[2..2 + reason.len()].copy_from_slice(reason);
  2 + reason.len()
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn valid_codes_match_ws() {
    let valid: Vec<u16> = (0..=5000).filter(|&c| is_valid_code(c)).collect();
    let mut expected: Vec<u16> = vec![
      1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
    ];
    expected.extend(3000..=4999);
    assert_eq!(valid, expected);
    assert!(
      !is_valid_code(5000) && !is_valid_code(65535) && !is_valid_code(0) && !is_valid_code(999)
    );
  }

  #[test]
  fn parses_payloads() {
    assert_eq!(parse(&[], false).unwrap().code, NO_STATUS);
    assert_eq!(
      parse(&[0x03], false),
      Err(ProtocolError::InvalidControlPayloadLength(1))
    );
    let p = parse(&[0x03, 0xe8, b'o', b'k'], false).unwrap();
    assert_eq!((p.code, p.reason_start), (1000, 2));
    assert_eq!(
      parse(&[0x03, 0xed], false),
      Err(ProtocolError::InvalidCloseCode(1005))
    );
    assert_eq!(
      parse(&[0x03, 0xe8, 0xff], false),
      Err(ProtocolError::InvalidUtf8)
    );
    assert!(parse(&[0x03, 0xe8, 0xff], true).is_ok());
  }

  #[test]
  fn writes_payloads() {
    let mut out = [0u8; 125];
    assert_eq!(write(NO_STATUS, b"", &mut out), 0);
    assert_eq!(write(1001, b"bye", &mut out), 5);
    assert_eq!(&out[..5], &[0x03, 0xe9, b'b', b'y', b'e']);
  }
}
