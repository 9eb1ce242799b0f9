//! `Inflater`: a standalone permessage-deflate decompression context, for extension
//! pipelines that hand whole messages to an extension (websocket-extensions sessions).
//! The ws and driver receive paths inflate inside `Receiver` instead.

use crate::proto::deflate::{self, InflateError};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// One connection's receiving context.
#[napi]
pub struct Inflater {
  inner: deflate::Inflater,
}

#[napi]
impl Inflater {
  /// `windowBits`: the peer's negotiated maximum (8-15). With `noContextTakeover` the state
  /// is dropped after every message.
  #[napi(constructor)]
  pub fn new(window_bits: u32, no_context_takeover: bool) -> Self {
    Inflater {
      inner: deflate::Inflater::new(window_bits.clamp(8, 15) as u8, no_context_takeover),
    }
  }

  /// Inflates one whole compressed message. `maxLength` bounds the output while inflating
  /// (0 = none). Throws `RangeError` past it, `Error` on invalid data.
  #[napi(catch_unwind)]
  pub fn inflate(&mut self, env: Env, data: &[u8], max_length: f64) -> Result<Buffer> {
    let limit = if max_length > 0.0 {
      max_length as usize
    } else {
      0
    };
    let mut out = Vec::new();
    match self.inner.inflate(data, true, &mut out, limit) {
      Ok(()) => Ok(out.into()),
      Err(InflateError::TooLarge) => {
        let _ = env.throw_range_error(
          "Max payload size exceeded",
          Some("WS_ERR_UNSUPPORTED_MESSAGE_LENGTH"),
        );
        Err(Error::new(
          Status::PendingException,
          "Max payload size exceeded",
        ))
      }
      Err(InflateError::Corrupt(message)) => Err(Error::new(Status::GenericFailure, message)),
    }
  }

  /// Drops the zlib state (recreated on the next message).
  #[napi]
  pub fn release(&mut self) {
    self.inner.release();
  }
}
