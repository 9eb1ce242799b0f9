//! `Deflater`: the sending side of permessage-deflate, compress-and-frame in one call.
//!
//! Memory: every message is compressed as a fresh DEFLATE stream, which any peer can
//! inflate whether or not context takeover was negotiated. So a whole message is compressed
//! with one compressor shared by every connection on the thread (per level and window size),
//! like uWebSockets' `SHARED_COMPRESSOR`, and an idle connection holds no zlib state. Only a
//! message sent in fragments gets its own compressor, freed after its last fragment.
//!
//! When the peer keeps its context (context takeover), the fresh stream is primed with the
//! tail of what this connection sent compressed before ([`History`], at most 4 KiB), which
//! the peer's window still holds: back-references into earlier messages then work as with a
//! per-connection compressor, for a few KiB per connection instead of a zlib state.

use crate::proto::deflate::{self, History};
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
  /// What the peer's window holds, when it keeps context.
  history: Option<History>,
}

#[napi]
impl Deflater {
  /// `level` 0-9, `windowBits` 8-15 (8 behaves as 9, as zlib does). Without
  /// `noContextTakeover` the peer keeps its context and messages are primed with the
  /// connection's history (see the module docs).
  #[napi(constructor)]
  pub fn new(level: u32, window_bits: u32, no_context_takeover: bool) -> Self {
    let window_bits = window_bits.clamp(9, 15) as u8;
    Deflater {
      level: level.min(9),
      window_bits,
      own: None,
      history: (!no_context_takeover).then(|| History::new(window_bits)),
    }
  }

  /// Compresses a whole message with the shared compressor, primed with the history.
  fn compress_whole(&mut self, data: &[u8], out: &mut Vec<u8>) {
    let history = &mut self.history;
    SHARED.with(|shared| {
      let mut shared = shared.borrow_mut();
      let z = shared
        .entry((self.level, self.window_bits))
        .or_insert_with(|| deflate::Deflater::new(self.level, self.window_bits, true));
      if let Some(h) = history.as_ref() {
        z.prime(h.as_slice());
      }
      z.deflate(data, true, out);
    });
    if let Some(h) = history.as_mut() {
      h.push(data);
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
        self.compress_whole(data, &mut scratch);
      } else {
        if self.own.is_none() {
          let mut z = deflate::Deflater::new(self.level, self.window_bits, true);
          if let Some(h) = self.history.as_ref() {
            z.prime(h.as_slice());
          }
          self.own = Some(z);
        }
        if let Some(z) = self.own.as_mut() {
          z.deflate(data, fin, &mut scratch);
        }
        if let Some(h) = self.history.as_mut() {
          h.push(data);
        }
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
    self.compress_whole(data, &mut out);
    out.into()
  }

  /// Records a message the peer inflated in its kept context without this connection
  /// compressing it (a shared broadcast encoding), so later messages may refer to it.
  #[napi]
  pub fn remember(&mut self, data: &[u8]) {
    if let Some(h) = self.history.as_mut() {
      h.push(data);
    }
  }

  /// Drops this connection's compressor, if a fragmented message left one, and its history
  /// (the connection is closing).
  #[napi]
  pub fn release(&mut self) {
    self.own = None;
    if let Some(h) = self.history.as_mut() {
      h.clear();
    }
  }
}
