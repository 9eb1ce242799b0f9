//! Protocol error descriptions for JS (called only when an error is reported).

use crate::proto::ProtocolError;
use napi_derive::napi;

/// What JS needs to build `ws`'s error object for an error event.
#[napi(object)]
pub struct ErrorInfo {
  /// The full message, e.g. "Invalid WebSocket frame: invalid opcode 3".
  pub message: String,
  /// The `WS_ERR_*` code.
  pub code: String,
  /// The close status to fail the connection with.
  pub status: u32,
  /// `RangeError` (true) or `Error` (false), as `ws` throws.
  pub range_error: bool,
}

/// The close code and reason the driver API fails with ([`ProtocolError::driver_reason`]).
#[napi(object)]
pub struct DriverErrorInfo {
  /// The close code, e.g. 1002.
  pub code: u32,
  /// The reason, websocket-driver's message.
  pub reason: String,
}

/// Rebuilds a [`ProtocolError`] from the `(index, detail)` pair the receiver reported.
fn from_parts(index: u32, detail: u32) -> Option<ProtocolError> {
  let template = *ProtocolError::ALL.get(index as usize)?;
  Some(match template {
    ProtocolError::InvalidOpcode(_) => ProtocolError::InvalidOpcode(detail as u8),
    ProtocolError::InvalidControlPayloadLength(_) => {
      ProtocolError::InvalidControlPayloadLength(detail as u8)
    }
    ProtocolError::InvalidCloseCode(_) => ProtocolError::InvalidCloseCode(detail as u16),
    ProtocolError::UnexpectedRsv23(_) => ProtocolError::UnexpectedRsv23(detail as u8),
    ProtocolError::UnexpectedRsv1(_) => ProtocolError::UnexpectedRsv1(detail as u8),
    ProtocolError::ExpectedFin(_) => ProtocolError::ExpectedFin(detail as u8),
    other => other,
  })
}

/// Describes the error reported as `(index, detail)` by `Receiver.push`.
#[napi]
pub fn describe_error(index: u32, detail: u32) -> Option<ErrorInfo> {
  from_parts(index, detail).map(|e| ErrorInfo {
    message: e.to_string(),
    code: e.ws_code().to_string(),
    status: e.close_code().into(),
    range_error: e.is_range_error(),
  })
}

/// websocket-driver's close code and reason for the error reported as `(index, detail)`.
#[napi]
pub fn describe_driver_error(index: u32, detail: u32) -> Option<DriverErrorInfo> {
  from_parts(index, detail).map(|e| {
    let (code, reason) = e.driver_reason();
    DriverErrorInfo {
      code: code.into(),
      reason,
    }
  })
}
