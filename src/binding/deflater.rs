//! `Deflater`: the sending side of permessage-deflate, compress-and-frame in one call.
//!
//! Memory: every message is compressed as a fresh DEFLATE stream (no back-references to
//! earlier messages), which any peer can inflate whether or not context takeover was
//! negotiated (RFC 7692 §7.2.1: takeover only *allows* the sender to refer back). So a
//! whole message is compressed with one compressor shared by every connection on the thread
//! (per level and window size), like uWebSockets' `SHARED_COMPRESSOR`, and an idle
//! connection holds no compression state at all. Only a message sent in fragments gets its
//! own compressor, freed after its last fragment.

use crate::proto::deflate;
use crate::proto::encoder::{self, FrameOptions};
use crate::proto::OpCode;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::cell::RefCell;
use std::collections::HashMap;

use super::sender::{mask_key, FLAG_FIN, FLAG_RSV1};

thread_local! {
  /// Shared compressors, by (level, window bits).
  static SHARED: RefCell<HashMap<(u32, u8), deflate::Deflater>> = RefCell::new(HashMap::new());
  /// Shared output scratch.
  static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Scratch capacity kept between messages.
const SCRATCH_KEEP: usize = 64 * 1024;

/// One connection's compression settings (and its compressor while a fragmented message
/// is being sent).
#[napi]
pub struct Deflater {
  level: u32,
  window_bits: u8,
  own: Option<deflate::Deflater>,
}

#[napi]
impl Deflater {
  /// `level` 0-9, `windowBits` 8-15 (8 behaves as 9, as zlib does). `noContextTakeover` is
  /// accepted for the record: every message is a fresh stream here (see the module docs).
  #[napi(constructor)]
  pub fn new(level: u32, window_bits: u32, no_context_takeover: bool) -> Self {
    let _ = no_context_takeover;
    Deflater {
      level: level.min(9),
      window_bits: window_bits.clamp(9, 15) as u8,
      own: None,
    }
  }

  /// Compresses `data` and returns the whole frame (header + compressed payload, masked
  /// when asked). `flags` and `mask` are as for `frameInto`; RSV1 is set when the flags ask
  /// for it (the first fragment of a message).
  #[napi(catch_unwind)]
  pub fn frame(&mut self, data: &[u8], flags: u32, mask: u32) -> Buffer {
    let fin = flags & FLAG_FIN != 0;
    let opts = FrameOptions {
      opcode: OpCode::from(flags as u8),
      fin,
      rsv1: flags & FLAG_RSV1 != 0,
      mask: mask_key(flags, mask),
    };
    SCRATCH.with(|scratch| {
      let mut scratch = scratch.borrow_mut();
      scratch.clear();
      if self.own.is_none() && fin {
        SHARED.with(|shared| {
          let mut shared = shared.borrow_mut();
          let z = shared
            .entry((self.level, self.window_bits))
            .or_insert_with(|| deflate::Deflater::new(self.level, self.window_bits, true));
          z.deflate(data, true, &mut scratch);
        });
      } else {
        let (level, bits) = (self.level, self.window_bits);
        let z = self
          .own
          .get_or_insert_with(|| deflate::Deflater::new(level, bits, true));
        z.deflate(data, fin, &mut scratch);
        if fin {
          self.own = None;
        }
      }
      let len = encoder::header_len(scratch.len(), opts.mask.is_some()) + scratch.len();
      let mut out = vec![0u8; len];
      encoder::write_frame(&mut out, &scratch, &opts);
      if scratch.capacity() > SCRATCH_KEEP {
        *scratch = Vec::new();
      }
      out.into()
    })
  }

  /// Compresses one whole message and returns the payload only (the trailer stripped), for
  /// extension pipelines that frame it themselves.
  #[napi(catch_unwind)]
  pub fn compress(&mut self, data: &[u8]) -> Buffer {
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    SHARED.with(|shared| {
      let mut shared = shared.borrow_mut();
      let z = shared
        .entry((self.level, self.window_bits))
        .or_insert_with(|| deflate::Deflater::new(self.level, self.window_bits, true));
      z.deflate(data, true, &mut out);
    });
    out.into()
  }

  /// Drops this connection's compressor, if a fragmented message left one.
  #[napi]
  pub fn release(&mut self) {
    self.own = None;
  }
}
