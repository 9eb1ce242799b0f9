//! `Receiver`: one native call per socket chunk.
//!
//! Each push is given an `Int32Array` to write the decoded events into (JS reuses a few, one
//! per nesting depth of its dispatch loop, for all receivers: an idle connection keeps none)
//! and returns how many. Layout:
//!
//! ```text
//! [0]            offset in the chunk up to which it was consumed
//! [1..4]         reserved
//! [4 + 4i ..]    event i: kind, a, b, c
//!   KIND_TEXT / KIND_BINARY  a = start, b = end, c = FLAG_HELD | FLAG_COMPRESSED
//!                            (held: a = 0, b = the message's length, -1 past 2 GiB)
//!   KIND_PING / KIND_PONG    a = start, b = end, c = FLAG_HELD
//!   KIND_CLOSE               a = start, b = end of the reason, c = code | FLAG_HELD << 16
//!                            (held: a = where the reason
//!                            starts in `controlPayload()`, the whole close payload)
//!   KIND_ERROR               a = error index, b = detail, c = close status
//! ```
//!
//! Payload ranges point into the chunk, which was unmasked in place. With `FLAG_HELD` the
//! payload is in the receiver instead: `takeMessage()` (handed over), `takeMessageInto()`
//! (copied into memory JS allocated) / `controlPayload()`.

use crate::proto::header::RSV1;
use crate::proto::{Config, Decoder, Event, EventSink, Masking, Payload};
use napi::bindgen_prelude::*;
use napi_derive::napi;

const HEADER_SLOTS: usize = 4;
/// The smallest event array a push accepts: the header and one event.
pub(crate) const MIN_EVENT_SLOTS: usize = HEADER_SLOTS + 4;
/// Event kinds (slot 0 of an event; see the module docs). JS reads them from `wireConstants()`.
pub(crate) const KIND_TEXT: i32 = 1;
pub(crate) const KIND_BINARY: i32 = 2;
pub(crate) const KIND_PING: i32 = 3;
pub(crate) const KIND_PONG: i32 = 4;
pub(crate) const KIND_CLOSE: i32 = 5;
pub(crate) const KIND_ERROR: i32 = 6;
/// Event flag: the payload is held by the receiver (`takeMessage*`), not a range of the chunk.
pub(crate) const FLAG_HELD: i32 = 1;
/// Event flag: the message was compressed on the wire.
pub(crate) const FLAG_COMPRESSED: i32 = 2;

/// Option bits for the constructor.
pub(crate) const OPT_CLIENT: u32 = 1;
pub(crate) const OPT_MASKING_OPTIONAL: u32 = 2;
pub(crate) const OPT_SKIP_UTF8: u32 = 4;
pub(crate) const OPT_RSV1: u32 = 8;
pub(crate) const OPT_LENIENT_CLOSE: u32 = 16;
/// Every option bit.
pub(crate) const OPT_ALL: u32 =
  OPT_CLIENT | OPT_MASKING_OPTIONAL | OPT_SKIP_UTF8 | OPT_RSV1 | OPT_LENIENT_CLOSE;

/// Writes events into the JS-owned array.
struct Slots<'a> {
  out: &'a mut [i32],
  count: usize,
  capacity: usize,
}

impl Slots<'_> {
  fn write(&mut self, kind: i32, a: i32, b: i32, c: i32) -> bool {
    let at = HEADER_SLOTS + 4 * self.count;
    self.out[at..at + 4].copy_from_slice(&[kind, a, b, c]);
    self.count += 1;
    self.count < self.capacity
  }
}

fn range(p: Payload) -> (i32, i32, i32) {
  match p {
    Payload::Chunk { start, end } => (start as i32, end as i32, 0),
    Payload::Held => (0, 0, FLAG_HELD),
  }
}

impl EventSink for Slots<'_> {
  fn event(&mut self, event: Event) -> bool {
    match event {
      Event::Message {
        binary,
        compressed,
        payload,
      } => {
        let (a, b, held) = range(payload);
        let kind = if binary { KIND_BINARY } else { KIND_TEXT };
        self.write(
          kind,
          a,
          b,
          held | if compressed { FLAG_COMPRESSED } else { 0 },
        )
      }
      Event::Ping(p) => {
        let (a, b, held) = range(p);
        self.write(KIND_PING, a, b, held)
      }
      Event::Pong(p) => {
        let (a, b, held) = range(p);
        self.write(KIND_PONG, a, b, held)
      }
      Event::Close {
        code,
        payload,
        reason_start,
      } => {
        // The reason: a range of the chunk, or, held, where it starts in `controlPayload()`.
        let skip = reason_start as i32;
        let (a, b, held) = match range(payload) {
          (start, end, 0) => (start + skip, end, 0),
          (_, _, held) => (skip, 0, held),
        };
        self.write(KIND_CLOSE, a, b, i32::from(code) | held << 16)
      }
    }
  }
}

/// The decoder configuration for the option bits and limits the JS side passes (see
/// [`Receiver::new`]; also used by the native I/O mode's connections).
pub(crate) fn config_from_options(
  options: u32,
  max_payload: f64,
  max_fragments: u32,
  max_buffered_chunks: u32,
) -> Config {
  let masking = if options & OPT_MASKING_OPTIONAL != 0 {
    Masking::Optional
  } else if options & OPT_CLIENT != 0 {
    Masking::Forbidden
  } else {
    Masking::Required
  };
  Config::server()
    .with_masking(masking)
    .with_max_payload(if max_payload > 0.0 {
      max_payload as u64
    } else {
      0
    })
    .with_max_fragments(max_fragments)
    .with_max_buffered_chunks(max_buffered_chunks)
    .with_skip_utf8_validation(options & OPT_SKIP_UTF8 != 0)
    .with_allowed_rsv(if options & OPT_RSV1 != 0 { RSV1 } else { 0 })
    .with_lenient_close(options & OPT_LENIENT_CLOSE != 0)
}

/// Approximate native bytes of an allocated inflate context (32 KiB window + state).
const INFLATE_STATE_BYTES: i64 = 48 * 1024;
/// Changes smaller than this are not reported to V8 (each report is a call into V8).
const REPORT_STEP: i64 = 16 * 1024;

/// The receive side of one connection (see the module docs for the event layout).
///
/// Native memory it holds (partial messages, inflate state) is reported to V8 with
/// `adjust_external_memory`, so the GC feels the pressure of many connections; the report
/// is withdrawn when the object is collected.
#[napi(custom_finalize)]
pub struct Receiver {
  decoder: Decoder,
  reported: i64,
}

impl Receiver {
  /// Native bytes held now.
  fn native_bytes(&self) -> i64 {
    let inflate = if self.decoder.has_inflate_state() {
      INFLATE_STATE_BYTES
    } else {
      0
    };
    self.decoder.buffered_bytes() as i64 + inflate
  }

  /// Decodes `chunk[start..]` (unmasking in place) and writes the events into `out` (at least
  /// [`MIN_EVENT_SLOTS`] slots; as many events as fit); returns how many. `out[0]` is set to
  /// the offset consumed: call again from there while it is short of `chunk.length`. JS calls
  /// this through the raw `receiverPush(receiver, chunk, start, events)` (`raw.rs`), which
  /// skips napi-rs's per-call borrow bookkeeping.
  pub(crate) fn push_slice(
    &mut self,
    env: &Env,
    chunk: &mut [u8],
    start: usize,
    out: &mut [i32],
  ) -> u32 {
    let capacity = (out.len() - HEADER_SLOTS) / 4;
    let mut slots = Slots {
      out,
      count: 0,
      capacity,
    };
    let consumed = match self.decoder.feed(chunk, start, &mut slots) {
      Ok(consumed) => consumed,
      Err(e) => {
        // The decoder stops as soon as the array is full, so an error always has a slot.
        slots.write(
          KIND_ERROR,
          e.index().into(),
          e.detail() as i32,
          e.close_code().into(),
        );
        chunk.len()
      }
    };
    // A held message is the last event of a push (the decoder returns right after it): its
    // `b` carries the length, so that JS can allocate the memory and collect it there.
    if let Some(last) = slots.count.checked_sub(1) {
      let at = HEADER_SLOTS + 4 * last;
      let event = &mut slots.out[at..at + 4];
      if (event[0] == KIND_TEXT || event[0] == KIND_BINARY) && event[3] & FLAG_HELD != 0 {
        event[2] = i32::try_from(self.decoder.held_len()).unwrap_or(-1);
      }
    }
    slots.out[0] = consumed as i32;
    let count = slots.count as u32;
    self.report(env);
    count
  }

  /// Reports the change in native memory to V8 when it is large enough to matter.
  fn report(&mut self, env: &Env) {
    let now = self.native_bytes();
    let delta = now - self.reported;
    let worth_it = delta.abs() >= REPORT_STEP || (now == 0 && self.reported != 0);
    if worth_it && env.adjust_external_memory(delta).is_ok() {
      self.reported = now;
    }
  }
}

impl ObjectFinalize for Receiver {
  fn finalize(self, env: Env) -> Result<()> {
    if self.reported != 0 {
      env.adjust_external_memory(-self.reported)?;
    }
    Ok(())
  }
}

#[napi]
impl Receiver {
  /// `options`: bit 1 client (frames must be unmasked), 2 masking optional, 4 skip UTF-8
  /// validation, 8 RSV1 allowed (permessage-deflate), 16 raw close frames (unchecked; the
  /// range covers the whole payload). Limits: 0 = none.
  #[napi(constructor)]
  pub fn new(
    options: u32,
    max_payload: f64,
    max_fragments: u32,
    max_buffered_chunks: u32,
  ) -> Result<Self> {
    let config = config_from_options(options, max_payload, max_fragments, max_buffered_chunks);
    Ok(Receiver {
      decoder: Decoder::new(config),
      reported: 0,
    })
  }

  /// Takes the payload of the last held message (zero-copy hand-over of the Rust buffer).
  #[napi]
  pub fn take_message(&mut self) -> Buffer {
    self.decoder.take_message().into()
  }

  /// Copies the payload of the last held message into `out`, which must be exactly its
  /// length (its event's `b`), and frees the Rust buffer. For small messages: a Buffer made
  /// of the addon's memory costs ~1 us and a finalizer, more than JS allocating (from
  /// Node's pool) and this copy.
  #[napi]
  pub fn take_message_into(&mut self, out: Uint8Array) -> Result<()> {
    super::copy_into_js(out, &self.decoder.take_message(), "takeMessageInto")
  }

  /// A copy of the payload of the last held control frame (for close: code + reason).
  #[napi]
  pub fn control_payload(&self) -> Buffer {
    self.decoder.control_payload().to_vec().into()
  }

  /// Allows or forbids RSV1 (after permessage-deflate is negotiated or dropped).
  #[napi]
  pub fn set_compression(&mut self, enabled: bool) {
    self.decoder.set_allowed_rsv(if enabled { RSV1 } else { 0 });
  }

  /// Turns on permessage-deflate: compressed messages are inflated in Rust (bounded by
  /// `maxPayload` while inflating) and reported already inflated. `windowBits` is the peer's
  /// negotiated maximum; `noContextTakeover` drops the inflate state after each message.
  #[napi]
  pub fn enable_inflate(&mut self, window_bits: u32, no_context_takeover: bool) {
    self
      .decoder
      .enable_inflate(window_bits.clamp(8, 15) as u8, no_context_takeover);
  }

  /// Bytes held for incomplete frames and messages.
  #[napi(getter)]
  pub fn buffered_bytes(&self) -> u32 {
    self.decoder.buffered_bytes() as u32
  }
}
