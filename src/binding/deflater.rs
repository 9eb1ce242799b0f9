//! `Deflater`: the sending side of permessage-deflate, compress-and-frame in one call.
//!
//! The compression policy is the core's ([`ConnectionDeflater`]: whole messages through the
//! thread's shared compressors, fragments through a compressor of their own); this holds the
//! thread's pool of shared compressors and the frame scratch, and writes frames into JS
//! memory.

use crate::proto::deflate::{ConnectionDeflater, SharedDeflaters};
use crate::proto::encoder::{self, FrameOptions};
use crate::proto::OpCode;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::cell::RefCell;

use super::sender::{mask_key, FLAG_FIN, FLAG_RSV1};

thread_local! {
  /// Shared compressors, by (level, window bits).
  static SHARED: RefCell<SharedDeflaters> = RefCell::new(SharedDeflaters::new());
  /// Shared output scratch.
  static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Scratch capacity kept between messages.
const SCRATCH_KEEP: usize = 64 * 1024;

/// One connection's compression settings (and its compressor while a fragmented message
/// is being sent).
#[napi]
pub struct Deflater {
  inner: ConnectionDeflater,
  /// A frame `frameInto` made that did not fit, until `takeFrame` collects it.
  pending: Vec<u8>,
}

#[napi]
impl Deflater {
  /// `level` 0-9, `windowBits` 8-15 (8 behaves as 9, as zlib does). Without
  /// `noContextTakeover` the peer keeps its context and messages are primed with the
  /// connection's history (see the module docs).
  #[napi(constructor)]
  pub fn new(level: u32, window_bits: u32, no_context_takeover: bool) -> Self {
    Deflater {
      inner: ConnectionDeflater::new(level, window_bits.clamp(8, 15) as u8, !no_context_takeover),
      pending: Vec::new(),
    }
  }

  /// Compresses `data` into `out` (cleared first) and returns the frame's options.
  fn compress_frame(
    &mut self,
    data: &[u8],
    flags: u32,
    mask: u32,
    out: &mut Vec<u8>,
  ) -> FrameOptions {
    let fin = flags & FLAG_FIN != 0;
    let opts = FrameOptions {
      opcode: OpCode::from(flags as u8),
      fin,
      rsv1: flags & FLAG_RSV1 != 0,
      mask: mask_key(flags, mask),
    };
    out.clear();
    SHARED.with_borrow_mut(|shared| self.inner.compress_frame(shared, data, fin, out));
    opts
  }

  /// Compresses `data` and returns the whole frame (header + compressed payload, masked
  /// when asked). `flags` and `mask` are as for `frameInto`; RSV1 is set when the flags ask
  /// for it (the first fragment of a message).
  #[napi(catch_unwind)]
  pub fn frame(&mut self, data: &[u8], flags: u32, mask: u32) -> Buffer {
    SCRATCH.with(|scratch| {
      let mut scratch = scratch.borrow_mut();
      let opts = self.compress_frame(data, flags, mask, &mut scratch);
      let len = encoder::header_len(scratch.len(), opts.mask.is_some()) + scratch.len();
      let mut out = vec![0u8; len];
      encoder::write_frame(&mut out, &scratch, &opts);
      if scratch.capacity() > SCRATCH_KEEP {
        *scratch = Vec::new();
      }
      out.into()
    })
  }

  /// [`Deflater::frame`] into memory JS owns: writes the frame at `out[offset..]` and returns
  /// its length. A Buffer made of the addon's memory costs ~1 us and a finalizer per message,
  /// more than compressing a small one. When the frame does not fit, nothing is written: the
  /// result is minus its length, and `takeFrame()` copies it into a buffer of that length.
  /// Either way the message counts as sent (the peer's window has it): send the frame.
  #[napi(catch_unwind)]
  pub fn frame_into(
    &mut self,
    mut out: Uint8Array,
    offset: u32,
    data: &[u8],
    flags: u32,
    mask: u32,
  ) -> i64 {
    SCRATCH.with(|scratch| {
      let mut scratch = scratch.borrow_mut();
      let opts = self.compress_frame(data, flags, mask, &mut scratch);
      let len = encoder::header_len(scratch.len(), opts.mask.is_some()) + scratch.len();
      // SAFETY: the JS thread is blocked for the call; `out` is a distinct JS array (napi-rs
      // checked it is not borrowed elsewhere), `data` is only read.
      let out = unsafe { out.as_mut() };
      let offset = offset as usize;
      let written = if offset <= out.len() && len <= out.len() - offset {
        encoder::write_frame(&mut out[offset..offset + len], &scratch, &opts);
        len as i64
      } else {
        self.pending = vec![0u8; len];
        encoder::write_frame(&mut self.pending, &scratch, &opts);
        -(len as i64)
      };
      if scratch.capacity() > SCRATCH_KEEP {
        *scratch = Vec::new();
      }
      written
    })
  }

  /// Copies the frame `frameInto` could not fit into `out` (exactly its length) and frees it.
  #[napi]
  pub fn take_frame(&mut self, out: Uint8Array) -> Result<()> {
    super::copy_into_js(out, &std::mem::take(&mut self.pending), "takeFrame")
  }

  /// Compresses one whole message and returns the payload only (the trailer stripped), for
  /// extension pipelines that frame it themselves.
  #[napi(catch_unwind)]
  pub fn compress(&mut self, data: &[u8]) -> Buffer {
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    SHARED.with_borrow_mut(|shared| self.inner.compress_whole(shared, data, &mut out));
    out.into()
  }

  /// Records a message the peer inflated in its kept context without this connection
  /// compressing it (a shared broadcast encoding), so later messages may refer to it.
  #[napi]
  pub fn remember(&mut self, data: &[u8]) {
    self.inner.remember(data);
  }

  /// Drops this connection's compressor, if a fragmented message left one, and its history
  /// (the connection is closing).
  #[napi]
  pub fn release(&mut self) {
    self.inner.release();
  }
}
