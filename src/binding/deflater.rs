//! `Deflater`: the sending side of permessage-deflate, compress-and-frame in one call.

use crate::proto::deflate;
use crate::proto::encoder::{self, FrameOptions};
use crate::proto::OpCode;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::sender::{mask_key, FLAG_FIN, FLAG_RSV1};

/// One connection's compression context.
#[napi]
pub struct Deflater {
  inner: deflate::Deflater,
  scratch: Vec<u8>,
}

#[napi]
impl Deflater {
  /// `level` 0-9, `windowBits` 8-15 (8 behaves as 9, as zlib does), `noContextTakeover`
  /// drops the state after every message. Nothing is allocated until the first message.
  #[napi(constructor)]
  pub fn new(level: u32, window_bits: u32, no_context_takeover: bool) -> Self {
    Deflater {
      inner: deflate::Deflater::new(level, window_bits.clamp(8, 15) as u8, no_context_takeover),
      scratch: Vec::new(),
    }
  }

  /// Compresses `data` and returns the whole frame (header + compressed payload, masked
  /// when asked). `flags` and `mask` are as for `frameInto`; RSV1 is set when the flags ask
  /// for it (the first fragment of a message).
  #[napi(catch_unwind)]
  pub fn frame(&mut self, data: &[u8], flags: u32, mask: u32) -> Buffer {
    self.scratch.clear();
    self
      .inner
      .deflate(data, flags & FLAG_FIN != 0, &mut self.scratch);
    let opts = FrameOptions {
      opcode: OpCode::from(flags as u8),
      fin: flags & FLAG_FIN != 0,
      rsv1: flags & FLAG_RSV1 != 0,
      mask: mask_key(flags, mask),
    };
    let len = encoder::header_len(self.scratch.len(), opts.mask.is_some()) + self.scratch.len();
    let mut out = vec![0u8; len];
    encoder::write_frame(&mut out, &self.scratch, &opts);
    if self.scratch.capacity() > 64 * 1024 {
      self.scratch = Vec::new();
    }
    out.into()
  }

  /// Drops the compression state (after the connection closes).
  #[napi]
  pub fn release(&mut self) {
    self.inner.release();
    self.scratch = Vec::new();
  }
}
