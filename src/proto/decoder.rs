//! The receive state machine: socket chunks in, messages and control frames out.
//!
//! One [`Decoder::feed`] call per socket chunk decodes every complete frame in it:
//!
//! * a whole, unfragmented frame that lies entirely in the chunk is unmasked **in place** and
//!   reported as a byte range of the chunk ([`Payload::Chunk`]): no copy;
//! * anything that spans chunks or fragments is appended, unmasked and (for text) UTF-8
//!   checked as it arrives, into one buffer the decoder owns ([`Payload::Held`]); memory held
//!   for a partial message is bounded by `max_payload` bytes plus a constant, whatever the
//!   fragment or chunk size (twice that while inflating: the compressed frame still arriving
//!   and the inflated output are each bounded by `max_payload`).
//!
//! Short input means "need more": a partial header is kept (at most 14 bytes) and nothing is
//! reported until the frame is complete, so any split of the same bytes gives the same events.
//! After a close frame the decoder ignores further input; after an error it is failed for good.

use super::close;
use super::config::{Config, Masking};
use super::deflate::{InflateError, Inflater};
use super::error::ProtocolError;
use super::header::{FrameHeader, MAX_HEADER_LEN, RSV1, RSV2, RSV3};
use super::mask::{apply_mask, extend_masked};
use super::opcode::OpCode;
use super::utf8::{self, Utf8Validator};

/// Where an event's payload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
  /// `chunk[start..end]` of the chunk just fed (already unmasked in place).
  Chunk {
    /// Start offset in the chunk.
    start: usize,
    /// End offset in the chunk (exclusive).
    end: usize,
  },
  /// In the decoder: [`Decoder::take_message`] for messages, [`Decoder::control_payload`] for
  /// control frames. [`Decoder::feed`] returns right after an event with a held payload so the
  /// caller can collect it before feeding the rest of the chunk.
  Held,
}

/// Something decoded from the peer's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
  /// A complete data message.
  Message {
    /// Binary (opcode 2) rather than text (opcode 1).
    binary: bool,
    /// The first frame had RSV1 set (permessage-deflate): the payload must be inflated, and
    /// text is UTF-8 checked only after that.
    compressed: bool,
    /// The message bytes.
    payload: Payload,
  },
  /// A ping; the peer is owed a pong with the same payload.
  Ping(Payload),
  /// A pong.
  Pong(Payload),
  /// A valid close frame. `payload` is the whole close payload, code bytes included, held or
  /// in the chunk alike; the reason is `payload[reason_start..]`.
  Close {
    /// The status code, or 1005 when the frame had no payload (with
    /// [`Config::lenient_close`]: the code to answer with, see [`crate::proto::close::lenient`]).
    code: u16,
    /// The whole payload (the reason is UTF-8 checked unless validation is skipped).
    payload: Payload,
    /// Where the reason starts in `payload`: 2 after a status code, 0 for an empty payload;
    /// with [`Config::lenient_close`], the payload's end when the reason is dropped.
    reason_start: usize,
  },
}

/// Receives decoded events. Returns `false` when it has no room for more: the decoder then
/// stops and [`Decoder::feed`] returns how far it got.
pub trait EventSink {
  /// Takes one event; returns whether there is room for another.
  fn event(&mut self, event: Event) -> bool;
}

impl EventSink for Vec<Event> {
  fn event(&mut self, event: Event) -> bool {
    self.push(event);
    true
  }
}

/// The stage of the state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
  /// Reading a frame header (maybe partially buffered).
  Header,
  /// Reading the payload of the current frame.
  Payload,
  /// A close frame was received; input is ignored.
  Closed,
  /// A protocol error was found; input is ignored.
  Failed,
}

/// The frame being read.
#[derive(Debug, Clone, Copy)]
struct Frame {
  fin: bool,
  opcode: OpCode,
  mask: Option<[u8; 4]>,
  /// Payload bytes read so far (also the mask phase).
  done: u64,
  /// Payload bytes still to come.
  remaining: u64,
}

/// The message being assembled from fragments.
#[derive(Debug, Clone, Copy, Default)]
struct MessageState {
  /// A data message is in progress (a non-final fragment or a held frame was started).
  active: bool,
  /// Whether a fragmented message was started (FIN clear on its first frame).
  fragmented: bool,
  binary: bool,
  compressed: bool,
  /// Sum of the payload lengths of its frames so far.
  total: u64,
  /// Data frames so far.
  fragments: u32,
}

/// Most bytes reserved ahead of what arrived for a held message: 16 MiB.
const MAX_RESERVE: usize = 16 * 1024 * 1024;
/// A held message's buffer grows to this many times the bytes that arrived (16), or to the
/// end of the frame when that is within twice as much.
const RESERVE_FACTOR: u64 = 16;
/// Capacity of the compressed-frame buffer kept between frames (64 KiB); larger ones are freed
/// once their frame is inflated.
const ZBUF_KEEP: usize = 64 * 1024;

/// The receive side of one connection. See the module docs.
#[derive(Debug)]
pub struct Decoder {
  config: Config,
  stage: Stage,
  header: [u8; MAX_HEADER_LEN],
  header_len: usize,
  frame: Frame,
  message: MessageState,
  held: Vec<u8>,
  control: Vec<u8>,
  utf8: Utf8Validator,
  waiting_chunks: u32,
  inflater: Option<Inflater>,
  zbuf: Vec<u8>,
}

impl Decoder {
  /// A decoder at the start of a connection (after the handshake).
  pub fn new(config: Config) -> Self {
    Decoder {
      config,
      stage: Stage::Header,
      header: [0; MAX_HEADER_LEN],
      header_len: 0,
      frame: Frame {
        fin: true,
        opcode: OpCode::Binary,
        mask: None,
        done: 0,
        remaining: 0,
      },
      message: MessageState::default(),
      held: Vec::new(),
      control: Vec::with_capacity(0),
      utf8: Utf8Validator::new(),
      waiting_chunks: 0,
      inflater: None,
      zbuf: Vec::new(),
    }
  }

  /// The configuration in use.
  pub fn config(&self) -> &Config {
    &self.config
  }

  /// Changes the RSV bits extensions may use (after permessage-deflate is negotiated).
  pub fn set_allowed_rsv(&mut self, rsv: u8) {
    self.config.allowed_rsv = rsv;
  }

  /// Turns on permessage-deflate: RSV1 is accepted and compressed messages are inflated
  /// here, bounded by `max_payload` while inflating, and reported already inflated.
  /// `window_bits` is the peer's negotiated maximum (8-15); with `no_context_takeover` the
  /// inflate state is dropped after every message.
  pub fn enable_inflate(&mut self, window_bits: u8, no_context_takeover: bool) {
    self.config.allowed_rsv |= RSV1;
    self.inflater = Some(Inflater::new(window_bits, no_context_takeover));
  }

  /// Whether the decoder currently holds zlib state (for memory accounting).
  pub fn has_inflate_state(&self) -> bool {
    self.inflater.as_ref().is_some_and(Inflater::is_allocated)
  }

  /// Whether a close frame has been received (further input is ignored).
  pub fn is_closed(&self) -> bool {
    self.stage == Stage::Closed
  }

  /// Whether a protocol error has been reported (further input is ignored).
  pub fn is_failed(&self) -> bool {
    self.stage == Stage::Failed
  }

  /// Bytes the decoder holds for incomplete frames and messages (for memory accounting).
  pub fn buffered_bytes(&self) -> usize {
    self.header_len + self.held.len() + self.control.len() + self.zbuf.len()
  }

  /// Capacity the decoder's own buffers keep allocated (what an idle connection costs beyond
  /// its fixed state and inflate context).
  pub fn retained_capacity(&self) -> usize {
    self.held.capacity() + self.control.capacity() + self.zbuf.capacity()
  }

  /// Bytes of the held message so far (all of it right after its [`Event::Message`]).
  pub fn held_len(&self) -> usize {
    self.held.len()
  }

  /// Takes the payload of the last [`Event::Message`] reported as [`Payload::Held`].
  pub fn take_message(&mut self) -> Vec<u8> {
    std::mem::take(&mut self.held)
  }

  /// The payload of the last control event reported as [`Payload::Held`] (for a close
  /// frame, the whole payload including the 2 code bytes).
  pub fn control_payload(&self) -> &[u8] {
    &self.control
  }

  /// Decodes `chunk[start..]`, reporting events to `sink`.
  ///
  /// Unmasks payloads in place inside `chunk`. Returns the offset up to which the chunk was
  /// consumed: `chunk.len()` when all of it was, less when `sink` ran out of room or an event
  /// with a [`Payload::Held`] payload was reported; the caller then calls `feed` again with
  /// that offset. Bytes of an incomplete frame are copied into the decoder, never left behind.
  ///
  /// On error the decoder is failed: the events already reported stand, the error is the
  /// last thing to report, and later calls consume everything and report nothing.
  pub fn feed(
    &mut self,
    chunk: &mut [u8],
    start: usize,
    sink: &mut impl EventSink,
  ) -> Result<usize, ProtocolError> {
    let result = self.run(chunk, start, sink);
    if result.is_err() {
      self.stage = Stage::Failed;
      self.held = Vec::new();
      self.control = Vec::new();
      self.zbuf = Vec::new();
      if let Some(inflater) = self.inflater.as_mut() {
        inflater.release();
      }
    }
    result
  }

  fn run(
    &mut self,
    chunk: &mut [u8],
    start: usize,
    sink: &mut impl EventSink,
  ) -> Result<usize, ProtocolError> {
    let mut pos = start.min(chunk.len());
    if pos == chunk.len() {
      return Ok(pos);
    }
    if matches!(self.stage, Stage::Closed | Stage::Failed) {
      return Ok(chunk.len());
    }
    if self.waiting_chunks > 0
      && self.config.max_buffered_chunks > 0
      && self.waiting_chunks >= self.config.max_buffered_chunks
    {
      return Err(ProtocolError::TooManyBufferedChunks);
    }
    loop {
      let step = match self.stage {
        Stage::Closed | Stage::Failed => return Ok(chunk.len()),
        Stage::Header => self.read_header(chunk, pos)?,
        Stage::Payload => self.read_payload(chunk, pos, sink)?,
      };
      match step {
        Step::Continue(next) => pos = next,
        Step::NeedMore => {
          self.waiting_chunks += 1;
          return Ok(chunk.len());
        }
        Step::Yield(next) => return Ok(next),
        Step::Done => return Ok(chunk.len()),
      }
    }
  }

  /// Header stage: parse from the chunk directly, or complete a buffered partial header.
  fn read_header(&mut self, chunk: &[u8], mut pos: usize) -> Result<Step, ProtocolError> {
    if self.header_len == 0 {
      if pos == chunk.len() {
        return Ok(Step::Done);
      }
      let avail = &chunk[pos..];
      if avail.len() >= 2 {
        self.check_first_two(avail[0], avail[1])?;
      }
      return match FrameHeader::parse(avail)? {
        Some((header, n)) => {
          self.begin_frame(header)?;
          Ok(Step::Continue(pos + n))
        }
        None => {
          self.header[..avail.len()].copy_from_slice(avail);
          self.header_len = avail.len();
          Ok(Step::NeedMore)
        }
      };
    }
    // Complete a header that started in an earlier chunk.
    loop {
      let had = self.header_len;
      let wanted = if had < 2 {
        2 - had
      } else {
        FrameHeader::len_from_first_two(self.header[1]) - had
      };
      let take = wanted.min(chunk.len() - pos);
      self.header[had..had + take].copy_from_slice(&chunk[pos..pos + take]);
      self.header_len += take;
      pos += take;
      if had < 2 && self.header_len == 2 {
        self.check_first_two(self.header[0], self.header[1])?;
      }
      if self.header_len >= 2 {
        if let Some((header, _)) = FrameHeader::parse(&self.header[..self.header_len])? {
          self.header_len = 0;
          self.begin_frame(header)?;
          return Ok(Step::Continue(pos));
        }
      }
      if pos == chunk.len() {
        return Ok(Step::NeedMore);
      }
    }
  }

  /// The checks that the first two header bytes allow, in `ws`'s order, so that a bad frame
  /// fails as soon as those bytes arrive.
  fn check_first_two(&self, b0: u8, b1: u8) -> Result<(), ProtocolError> {
    let allowed = self.config.allowed_rsv;
    let bits = (b0 >> 4) & 7;
    if b0 & (RSV2 | RSV3) & !allowed != 0 {
      return Err(ProtocolError::UnexpectedRsv23(bits));
    }
    let rsv1 = b0 & RSV1 != 0;
    if rsv1 && allowed & RSV1 == 0 {
      return Err(ProtocolError::UnexpectedRsv1(bits));
    }
    let fin = b0 & 0x80 != 0;
    let len7 = b1 & 0x7f;
    match OpCode::from(b0) {
      OpCode::Continuation => {
        if rsv1 {
          return Err(ProtocolError::UnexpectedRsv1(bits));
        }
        if !self.message.fragmented {
          return Err(ProtocolError::InvalidOpcode(0));
        }
      }
      op @ (OpCode::Text | OpCode::Binary) => {
        if self.message.fragmented {
          return Err(ProtocolError::InvalidOpcode(op.into()));
        }
      }
      OpCode::Close | OpCode::Ping | OpCode::Pong => {
        if !fin {
          return Err(ProtocolError::ExpectedFin(b0 & 0x0f));
        }
        if rsv1 {
          return Err(ProtocolError::UnexpectedRsv1(bits));
        }
        let short_close =
          OpCode::from(b0) == OpCode::Close && len7 == 1 && !self.config.lenient_close;
        if len7 > 125 || short_close {
          return Err(ProtocolError::InvalidControlPayloadLength(len7));
        }
      }
      OpCode::Reserved(op) => return Err(ProtocolError::InvalidOpcode(op)),
    }
    let masked = b1 & 0x80 != 0;
    match self.config.masking {
      Masking::Required if !masked => Err(ProtocolError::ExpectedMask),
      Masking::Forbidden if masked => Err(ProtocolError::UnexpectedMask),
      _ => Ok(()),
    }
  }

  /// A whole header has been read (and its first two bytes checked).
  fn begin_frame(&mut self, h: FrameHeader) -> Result<(), ProtocolError> {
    self.waiting_chunks = 0;
    if !h.opcode.is_control() {
      if h.payload_len > 0 {
        self.message.total += h.payload_len;
        if self.config.max_payload > 0 && self.message.total > self.config.max_payload {
          return Err(ProtocolError::MessageTooLarge);
        }
      }
      self.message.fragments += 1;
      if self.config.max_fragments > 0 && self.message.fragments > self.config.max_fragments {
        return Err(ProtocolError::TooManyFragments);
      }
      if h.opcode != OpCode::Continuation {
        self.message.binary = h.opcode == OpCode::Binary;
        self.message.compressed = h.rsv & RSV1 != 0;
        self.message.fragmented = !h.fin;
      }
    } else {
      self.control.clear();
    }
    self.frame = Frame {
      fin: h.fin,
      opcode: h.opcode,
      mask: h.mask.filter(|m| *m != [0; 4]),
      done: 0,
      remaining: h.payload_len,
    };
    self.stage = Stage::Payload;
    Ok(())
  }

  /// Payload stage.
  fn read_payload(
    &mut self,
    chunk: &mut [u8],
    pos: usize,
    sink: &mut impl EventSink,
  ) -> Result<Step, ProtocolError> {
    let avail = (chunk.len() - pos) as u64;
    let whole = self.frame.done == 0 && avail >= self.frame.remaining;
    let len = self.frame.remaining as usize;
    if self.frame.opcode.is_control() {
      if whole {
        let end = pos + len;
        self.unmask(&mut chunk[pos..end], 0);
        return self.finish_control(chunk, pos, end, sink);
      }
      let take = (avail.min(self.frame.remaining)) as usize;
      let at = self.control.len();
      self.control.extend_from_slice(&chunk[pos..pos + take]);
      let phase = self.frame.done as usize;
      let mask = self.frame.mask;
      if let Some(m) = mask {
        apply_mask(&mut self.control[at..], m, phase);
      }
      self.frame.done += take as u64;
      self.frame.remaining -= take as u64;
      if self.frame.remaining > 0 {
        return Ok(Step::NeedMore);
      }
      return self.finish_control(chunk, pos + take, usize::MAX, sink);
    }

    // Data frame.
    if self.message.compressed && self.inflater.is_some() {
      return self.read_compressed(chunk, pos, sink);
    }
    if whole && self.frame.fin && !self.message.active {
      let end = pos + len;
      self.unmask(&mut chunk[pos..end], 0);
      if !self.message.binary
        && !self.message.compressed
        && !self.config.skip_utf8_validation
        && !utf8::is_valid(&chunk[pos..end])
      {
        return Err(ProtocolError::InvalidUtf8);
      }
      let event = Event::Message {
        binary: self.message.binary,
        compressed: self.message.compressed,
        payload: Payload::Chunk { start: pos, end },
      };
      self.end_frame();
      self.end_message();
      return Ok(if sink.event(event) {
        Step::Continue(end)
      } else {
        Step::Yield(end)
      });
    }

    // Held path: append, unmask, check as the bytes arrive.
    if !self.message.active {
      self.message.active = true;
      self.held.clear();
      self.utf8.reset();
    }
    let take = (avail.min(self.frame.remaining)) as usize;
    let at = self.held.len();
    if self.held.capacity() - at < take {
      // Reserve to the end of this frame when that is at most twice RESERVE_FACTOR times
      // what has arrived, else RESERVE_FACTOR times it; never more than MAX_RESERVE ahead. A
      // 64 KiB frame split over two reads is reserved once, a 16 MiB one moves once (at
      // 1 MiB) instead of at every doubling, and a peer that announces a large frame and
      // trickles bytes gets a reservation bounded by what it sent.
      let arrived = at + take;
      let frame_end = (at as u64).saturating_add(self.frame.remaining);
      let step = (arrived as u64).saturating_mul(RESERVE_FACTOR);
      let wanted = if frame_end <= step.saturating_mul(2) {
        frame_end
      } else {
        step
      };
      let target = wanted
        .min((arrived + MAX_RESERVE) as u64)
        .max(arrived as u64) as usize;
      // Memory the allocator refuses (a multi-GiB message with no `maxPayload`) fails the
      // message like the limit would, instead of aborting the process.
      if self.held.try_reserve_exact(target - at).is_err() {
        return Err(ProtocolError::MessageTooLarge);
      }
    }
    let bytes = &chunk[pos..pos + take];
    match self.frame.mask {
      Some(m) => extend_masked(&mut self.held, bytes, m, self.frame.done as usize),
      None => self.held.extend_from_slice(bytes),
    }
    let check_utf8 =
      !self.message.binary && !self.message.compressed && !self.config.skip_utf8_validation;
    if check_utf8 && self.utf8.feed(&self.held[at..]).is_err() {
      return Err(ProtocolError::InvalidUtf8);
    }
    self.frame.done += take as u64;
    self.frame.remaining -= take as u64;
    let next = pos + take;
    if self.frame.remaining > 0 {
      return Ok(Step::NeedMore);
    }
    self.end_frame();
    if !self.frame.fin {
      return Ok(Step::Continue(next));
    }
    if check_utf8 && self.utf8.finish().is_err() {
      return Err(ProtocolError::InvalidUtf8);
    }
    let event = Event::Message {
      binary: self.message.binary,
      compressed: self.message.compressed,
      payload: Payload::Held,
    };
    self.end_message();
    sink.event(event);
    Ok(Step::Yield(next))
  }

  /// Payload stage of a compressed message when the decoder inflates: each frame's bytes
  /// are inflated when the frame is complete (straight from the chunk when it lies there
  /// whole), into the held buffer, bounded by `max_payload` while inflating.
  fn read_compressed(
    &mut self,
    chunk: &mut [u8],
    pos: usize,
    sink: &mut impl EventSink,
  ) -> Result<Step, ProtocolError> {
    if !self.message.active {
      self.message.active = true;
      self.held.clear();
      self.utf8.reset();
      self.zbuf.clear();
    }
    let avail = (chunk.len() - pos) as u64;
    let take = avail.min(self.frame.remaining) as usize;
    let next = pos + take;
    if self.frame.done == 0 && avail >= self.frame.remaining {
      self.unmask(&mut chunk[pos..next], 0);
      self.frame.remaining = 0;
      self.inflate_frame(&chunk[pos..next])?;
    } else {
      let at = self.zbuf.len();
      self.zbuf.extend_from_slice(&chunk[pos..next]);
      if let Some(m) = self.frame.mask {
        apply_mask(&mut self.zbuf[at..], m, self.frame.done as usize);
      }
      self.frame.done += take as u64;
      self.frame.remaining -= take as u64;
      if self.frame.remaining > 0 {
        return Ok(Step::NeedMore);
      }
      let mut zbuf = std::mem::take(&mut self.zbuf);
      let result = self.inflate_frame(&zbuf);
      // Keep a small buffer for the next split frame; give a large one back, or every idle
      // connection would hold the largest compressed frame it ever received.
      if zbuf.capacity() <= ZBUF_KEEP {
        zbuf.clear();
        self.zbuf = zbuf;
      }
      result?;
    }
    self.end_frame();
    if !self.frame.fin {
      return Ok(Step::Continue(next));
    }
    if !self.message.binary && !self.config.skip_utf8_validation && self.utf8.finish().is_err() {
      return Err(ProtocolError::InvalidUtf8);
    }
    let event = Event::Message {
      binary: self.message.binary,
      compressed: false,
      payload: Payload::Held,
    };
    self.end_message();
    sink.event(event);
    Ok(Step::Yield(next))
  }

  /// Inflates one complete compressed frame onto the held message, then checks the new text.
  fn inflate_frame(&mut self, data: &[u8]) -> Result<(), ProtocolError> {
    let at = self.held.len();
    let limit = usize::try_from(self.config.max_payload).unwrap_or(usize::MAX);
    let inflater = self
      .inflater
      .as_mut()
      .expect("read_compressed only runs with an inflater");
    inflater
      .inflate(data, self.frame.fin, &mut self.held, limit)
      .map_err(|e| match e {
        InflateError::TooLarge => ProtocolError::MessageTooLarge,
        InflateError::Corrupt(_) => ProtocolError::InvalidCompressedData,
      })?;
    if !self.message.binary
      && !self.config.skip_utf8_validation
      && self.utf8.feed(&self.held[at..]).is_err()
    {
      return Err(ProtocolError::InvalidUtf8);
    }
    Ok(())
  }

  /// A control frame is complete: its payload is `chunk[start..end]`, or held when
  /// `end == usize::MAX` (then `start` is where to continue in the chunk).
  fn finish_control(
    &mut self,
    chunk: &[u8],
    start: usize,
    end: usize,
    sink: &mut impl EventSink,
  ) -> Result<Step, ProtocolError> {
    let held = end == usize::MAX;
    let (payload, next) = if held {
      (Payload::Held, start)
    } else {
      (Payload::Chunk { start, end }, end)
    };
    let event = match self.frame.opcode {
      OpCode::Ping => Event::Ping(payload),
      OpCode::Pong => Event::Pong(payload),
      _ => {
        let bytes = if held {
          &self.control[..]
        } else {
          &chunk[start..end]
        };
        let parsed = if self.config.lenient_close {
          close::lenient(bytes)
        } else {
          close::parse(bytes, self.config.skip_utf8_validation)?
        };
        let reason_start = parsed.reason_start.min(bytes.len());
        self.end_frame();
        self.stage = Stage::Closed;
        sink.event(Event::Close {
          code: parsed.code,
          payload,
          reason_start,
        });
        return Ok(Step::Yield(next));
      }
    };
    self.end_frame();
    let room = sink.event(event);
    Ok(if room && !held {
      Step::Continue(next)
    } else {
      Step::Yield(next)
    })
  }

  fn unmask(&self, bytes: &mut [u8], phase: usize) {
    if let Some(m) = self.frame.mask {
      apply_mask(bytes, m, phase);
    }
  }

  fn end_frame(&mut self) {
    self.stage = Stage::Header;
    self.waiting_chunks = 0;
  }

  fn end_message(&mut self) {
    self.message = MessageState::default();
  }
}

/// What a stage did.
enum Step {
  /// Keep going from this offset.
  Continue(usize),
  /// The chunk is used up (and what was left of it is buffered).
  NeedMore,
  /// Return to the caller with this offset (sink full or held payload to collect).
  Yield(usize),
  /// The chunk is used up at a frame boundary.
  Done,
}
