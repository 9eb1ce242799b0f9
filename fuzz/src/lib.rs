//! Shared harness for the decoder fuzz targets: config selection, a re-feed driver that
//! resolves every event's payload and checks the decoder's invariants, and a reference model
//! (a direct, whole-buffer reading of RFC 6455 and `ws`'s receiver rules) to compare against.

use oxws::proto::close::{self, NO_STATUS};
use oxws::proto::config::DEFAULT_MAX_FRAGMENTS;
use oxws::proto::config::{DEFAULT_MAX_BUFFERED_CHUNKS, DEFAULT_MAX_PAYLOAD};
use oxws::proto::header::{MAX_HEADER_LEN, MAX_PAYLOAD_LEN, RSV1, RSV2, RSV3};
use oxws::proto::{Config, Decoder, Event, EventSink, Masking, Payload, ProtocolError};

/// An event with its payload resolved to bytes (or the error that ended the stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
  /// A data message.
  Message {
    /// Opcode 2.
    binary: bool,
    /// RSV1 on the first frame.
    compressed: bool,
    /// Payload bytes.
    data: Vec<u8>,
  },
  /// A ping.
  Ping(Vec<u8>),
  /// A pong.
  Pong(Vec<u8>),
  /// A close frame.
  Close {
    /// Status code (1005 for an empty payload).
    code: u16,
    /// Reason bytes (without the code).
    reason: Vec<u8>,
  },
  /// The error `feed` returned.
  Error(ProtocolError),
}

/// The size limits the first byte of an input chooses between.
pub const MAX_PAYLOADS: [u64; 4] = [0, 64, 1000, DEFAULT_MAX_PAYLOAD];

/// The config selected by the first byte of a decoder input:
///
/// * bits 0-1: masking (0 required, 1 forbidden, 2-3 optional); 3 also turns on
///   `lenient_close` (websocket-driver's configuration: close frames never fail)
/// * bits 2-3: `max_payload` 0 (none) / 64 / 1000 / 100 MiB
/// * bit 4: `max_fragments` 3, else the default (16384)
/// * bit 5: `max_buffered_chunks` `small`, else the default (262144)
/// * bit 6: skip UTF-8 validation
/// * bit 7: `allowed_rsv` = RSV1 (permessage-deflate), else 0
pub fn config_from_byte(b: u8, small_buffered_chunks: u32) -> Config {
  let masking = match b & 3 {
    0 => Masking::Required,
    1 => Masking::Forbidden,
    _ => Masking::Optional,
  };
  Config::server()
    .with_masking(masking)
    .with_max_payload(MAX_PAYLOADS[usize::from((b >> 2) & 3)])
    .with_max_fragments(if b & 0x10 != 0 {
      3
    } else {
      DEFAULT_MAX_FRAGMENTS
    })
    .with_max_buffered_chunks(if b & 0x20 != 0 {
      small_buffered_chunks
    } else {
      DEFAULT_MAX_BUFFERED_CHUNKS
    })
    .with_skip_utf8_validation(b & 0x40 != 0)
    .with_allowed_rsv(if b & 0x80 != 0 { RSV1 } else { 0 })
    .with_lenient_close(b & 3 == 3)
}

/// A sink that takes at most `cap` events per `feed` call.
struct CapSink {
  events: Vec<Event>,
  cap: usize,
}

impl EventSink for CapSink {
  fn event(&mut self, event: Event) -> bool {
    self.events.push(event);
    self.events.len() < self.cap
  }
}

/// Feeds chunks to one decoder, re-feeding after early returns, resolving every event and
/// asserting the invariants that hold for any input.
pub struct Driver {
  /// The decoder under test.
  pub decoder: Decoder,
  config: Config,
  /// Most events the sink accepts per `feed` call (`usize::MAX` for unbounded).
  sink_cap: usize,
  /// Everything reported so far.
  pub events: Vec<Resolved>,
  /// A close or an error was reported: nothing may follow.
  ended: bool,
  /// The decoder inflates permessage-deflate messages itself.
  inflating: bool,
}

impl Driver {
  /// A driver for a fresh decoder.
  pub fn new(config: Config, sink_cap: usize) -> Self {
    assert!(sink_cap > 0);
    Driver {
      decoder: Decoder::new(config.clone()),
      config,
      sink_cap,
      events: Vec::new(),
      ended: false,
      inflating: false,
    }
  }

  /// Turns on the decoder's own inflating (`Decoder::enable_inflate`).
  pub fn enable_inflate(&mut self, window_bits: u8, no_context_takeover: bool) {
    self
      .decoder
      .enable_inflate(window_bits, no_context_takeover);
    self.config.allowed_rsv |= RSV1;
    self.inflating = true;
  }

  /// Feeds one socket chunk (a private copy: the decoder unmasks in place).
  pub fn feed(&mut self, bytes: &[u8]) {
    let mut chunk = bytes.to_vec();
    let len = chunk.len();
    let mut pos = 0usize;
    // Every round but the last reports at least one event, each of which consumes at least
    // one header (2 bytes), so this bounds a correct decoder with room to spare.
    let mut rounds = 0usize;
    loop {
      rounds += 1;
      assert!(rounds <= len + 2, "feed does not make progress");
      let mut sink = CapSink {
        events: Vec::new(),
        cap: self.sink_cap,
      };
      let result = self.decoder.feed(&mut chunk, pos, &mut sink);
      assert!(
        sink.events.len() <= self.sink_cap,
        "decoder reported {} events into a sink of {}",
        sink.events.len(),
        self.sink_cap
      );
      let consumed_to = match result {
        Ok(next) => next,
        Err(_) => len,
      };
      assert!(
        consumed_to <= len,
        "feed returned {consumed_to} > chunk length {len}"
      );
      assert!(
        consumed_to >= pos,
        "feed went backwards: {pos} -> {consumed_to}"
      );
      let n = sink.events.len();
      for (i, event) in sink.events.iter().enumerate() {
        assert!(
          !self.ended,
          "event {event:?} after a close or an error (events so far {:?})",
          self.events
        );
        let held = matches!(
          event,
          Event::Message {
            payload: Payload::Held,
            ..
          } | Event::Ping(Payload::Held)
            | Event::Pong(Payload::Held)
            | Event::Close {
              payload: Payload::Held,
              ..
            }
        );
        assert!(
          !held || i == n - 1,
          "a held event must be the last of its feed call"
        );
        let resolved = self.resolve(&chunk, pos, consumed_to, *event);
        self.check(&resolved);
        if matches!(resolved, Resolved::Close { .. }) {
          assert!(self.decoder.is_closed());
          self.ended = true;
        }
        self.events.push(resolved);
      }
      match result {
        Err(e) => {
          assert!(
            !self.ended,
            "error {e:?} after a close or an error (events so far {:?})",
            self.events
          );
          assert!(self.decoder.is_failed());
          assert!(self.decoder.buffered_bytes() <= MAX_HEADER_LEN);
          self.events.push(Resolved::Error(e));
          self.ended = true;
          return;
        }
        Ok(next) => {
          self.check_memory();
          if next == len {
            return;
          }
          assert!(n > 0, "feed stopped at {next} of {len} without an event");
          pos = next;
        }
      }
    }
  }

  /// Resolves the payload of `event` reported by a `feed(chunk, pos)` call that consumed up
  /// to `consumed_to`.
  fn resolve(&mut self, chunk: &[u8], pos: usize, consumed_to: usize, event: Event) -> Resolved {
    let range = |start: usize, end: usize| -> Vec<u8> {
      assert!(
        pos <= start && start <= end && end <= consumed_to,
        "payload range {start}..{end} outside the consumed {pos}..{consumed_to}"
      );
      chunk[start..end].to_vec()
    };
    match event {
      Event::Message {
        binary,
        compressed,
        payload,
      } => Resolved::Message {
        binary,
        compressed,
        data: match payload {
          Payload::Chunk { start, end } => range(start, end),
          Payload::Held => self.decoder.take_message(),
        },
      },
      Event::Ping(p) => Resolved::Ping(match p {
        Payload::Chunk { start, end } => range(start, end),
        Payload::Held => self.decoder.control_payload().to_vec(),
      }),
      Event::Pong(p) => Resolved::Pong(match p {
        Payload::Chunk { start, end } => range(start, end),
        Payload::Held => self.decoder.control_payload().to_vec(),
      }),
      Event::Close {
        code,
        payload,
        reason_start,
      } => {
        // The whole payload, held or in the chunk alike; the reason starts at `reason_start`.
        let whole = match payload {
          Payload::Chunk { start, end } => range(start, end),
          Payload::Held => self.decoder.control_payload().to_vec(),
        };
        assert!(reason_start <= whole.len(), "reason start past the payload");
        if self.config.lenient_close {
          // websocket-driver's reading, checked against the spec model.
          let (spec_code, spec_reason) = spec_lenient_close(&whole);
          assert_eq!(code, spec_code, "lenient close code of {whole:02x?}");
          assert_eq!(&whole[reason_start..], &spec_reason[..], "lenient close reason");
        } else if whole.is_empty() {
          assert_eq!(code, NO_STATUS);
          assert_eq!(reason_start, 0);
        } else {
          assert!(whole.len() >= 2, "close payload of 1 byte");
          assert_eq!(reason_start, 2, "close reason overlaps the code");
          assert_eq!(
            u16::from_be_bytes([whole[0], whole[1]]),
            code,
            "close code does not match the payload's first 2 bytes"
          );
        }
        Resolved::Close {
          code,
          reason: whole[reason_start..].to_vec(),
        }
      }
    }
  }

  /// Invariants of one resolved event.
  fn check(&self, r: &Resolved) {
    let cfg = &self.config;
    match r {
      Resolved::Message {
        binary,
        compressed,
        data,
      } => {
        if cfg.max_payload > 0 {
          assert!(
            data.len() as u64 <= cfg.max_payload,
            "message of {} bytes over max_payload {}",
            data.len(),
            cfg.max_payload
          );
        }
        if *compressed {
          assert!(
            cfg.allowed_rsv & RSV1 != 0,
            "compressed without RSV1 allowed"
          );
          assert!(
            !self.inflating,
            "compressed message reported by an inflating decoder"
          );
        }
        if !binary && !compressed && !cfg.skip_utf8_validation {
          assert!(
            std::str::from_utf8(data).is_ok(),
            "invalid UTF-8 text message {data:02x?}"
          );
        }
      }
      Resolved::Ping(p) | Resolved::Pong(p) => assert!(p.len() <= 125, "control payload > 125"),
      Resolved::Close { reason, .. } if cfg.lenient_close => {
        assert!(reason.len() <= close::MAX_REASON_LEN, "lenient close reason > 123");
        assert!(std::str::from_utf8(reason).is_ok(), "lenient close reason not UTF-8");
      }
      Resolved::Close { code, reason } => {
        if *code == NO_STATUS {
          assert!(reason.is_empty());
        } else {
          assert!(spec_valid_close_code(*code), "invalid close code {code}");
        }
        assert!(reason.len() <= close::MAX_REASON_LEN);
        if !cfg.skip_utf8_validation {
          assert!(
            std::str::from_utf8(reason).is_ok(),
            "invalid UTF-8 close reason {reason:02x?}"
          );
        }
      }
      Resolved::Error(_) => {}
    }
  }

  /// Memory held for a partial message is bounded by `max_payload` plus a constant (held
  /// messages are taken as soon as they are reported). When inflating, the inflated message
  /// so far and the compressed frame being received are each bounded by `max_payload`.
  fn check_memory(&self) {
    if self.config.max_payload > 0 {
      let factor = if self.inflating { 2 } else { 1 };
      let bound = factor * self.config.max_payload as usize + MAX_HEADER_LEN + 125;
      let held = self.decoder.buffered_bytes();
      assert!(held <= bound, "decoder buffers {held} bytes > {bound}");
    }
  }
}

/// RFC 6455 §7.4 / `ws`'s `isValidStatusCode`, written independently of `close.rs`.
pub fn spec_valid_close_code(code: u16) -> bool {
  matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

/// websocket-driver 0.8's `Hybi#_onClose` as written there: the code to answer a close
/// payload with and the reason it reports (empty unless UTF-8).
pub fn spec_lenient_close(payload: &[u8]) -> (u16, Vec<u8>) {
  const ERROR_CODES: [u16; 9] = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011];
  let code = (payload.len() >= 2).then(|| u16::from_be_bytes([payload[0], payload[1]]));
  let reason = (payload.len() > 2)
    .then(|| std::str::from_utf8(&payload[2..]).ok())
    .flatten()
    .map(|r| r.as_bytes().to_vec());
  let mut out = code;
  if !payload.is_empty()
    && !code.is_some_and(|c| (3000..=4999).contains(&c))
    && !code.is_some_and(|c| ERROR_CODES.contains(&c))
  {
    out = Some(1002);
  }
  if payload.len() > 125 || (payload.len() > 2 && reason.is_none()) {
    out = Some(1002);
  }
  (out.unwrap_or(1000), reason.unwrap_or_default())
}

/// Whether `bytes` contains an invalid UTF-8 sequence (an incomplete one at the end is fine).
fn has_invalid_utf8(bytes: &[u8]) -> bool {
  match std::str::from_utf8(bytes) {
    Ok(_) => false,
    Err(e) => e.error_len().is_some(),
  }
}

/// The events a whole-buffer reading of `data` gives under `cfg` (one chunk, so the
/// buffered-chunks limit never applies). Written from RFC 6455 §5 and `ws` 8.23's receiver
/// (check order: RSV2/3, RSV1, opcode rules, masking; then length, limits, payload).
pub fn model(cfg: &Config, data: &[u8]) -> Vec<Resolved> {
  let mut out = Vec::new();
  let mut pos = 0usize;
  // Message in progress.
  let mut fragmented = false;
  let mut binary = false;
  let mut compressed = false;
  let mut total: u64 = 0;
  let mut fragments: u32 = 0;
  let mut msg: Vec<u8> = Vec::new();
  macro_rules! fail {
    ($e:expr) => {{
      out.push(Resolved::Error($e));
      return out;
    }};
  }
  loop {
    let rest = &data[pos..];
    if rest.len() < 2 {
      return out;
    }
    let (b0, b1) = (rest[0], rest[1]);
    let fin = b0 & 0x80 != 0;
    let rsv1 = b0 & RSV1 != 0;
    let op = b0 & 0x0f;
    let masked = b1 & 0x80 != 0;
    let len7 = b1 & 0x7f;
    let bits = (b0 >> 4) & 7;
    if b0 & (RSV2 | RSV3) & !cfg.allowed_rsv != 0 {
      fail!(ProtocolError::UnexpectedRsv23(bits));
    }
    if rsv1 && cfg.allowed_rsv & RSV1 == 0 {
      fail!(ProtocolError::UnexpectedRsv1(bits));
    }
    match op {
      0 => {
        if rsv1 {
          fail!(ProtocolError::UnexpectedRsv1(bits));
        }
        if !fragmented {
          fail!(ProtocolError::InvalidOpcode(0));
        }
      }
      1 | 2 => {
        if fragmented {
          fail!(ProtocolError::InvalidOpcode(op));
        }
      }
      8..=10 => {
        if !fin {
          fail!(ProtocolError::ExpectedFin(op));
        }
        if rsv1 {
          fail!(ProtocolError::UnexpectedRsv1(bits));
        }
        if len7 > 125 || (op == 8 && len7 == 1 && !cfg.lenient_close) {
          fail!(ProtocolError::InvalidControlPayloadLength(len7));
        }
      }
      _ => fail!(ProtocolError::InvalidOpcode(op)),
    }
    match cfg.masking {
      Masking::Required if !masked => fail!(ProtocolError::ExpectedMask),
      Masking::Forbidden if masked => fail!(ProtocolError::UnexpectedMask),
      _ => {}
    }
    let ext = match len7 {
      126 => 2,
      127 => 8,
      _ => 0,
    };
    let header_len = 2 + ext + if masked { 4 } else { 0 };
    if rest.len() < header_len {
      return out;
    }
    let payload_len: u64 = match len7 {
      126 => u64::from(u16::from_be_bytes([rest[2], rest[3]])),
      127 => {
        let len = u64::from_be_bytes(rest[2..10].try_into().unwrap());
        if len > MAX_PAYLOAD_LEN {
          fail!(ProtocolError::PayloadLengthTooLarge);
        }
        len
      }
      n => u64::from(n),
    };
    let key: Option<[u8; 4]> = masked.then(|| rest[2 + ext..6 + ext].try_into().unwrap());
    let control = op & 8 != 0;
    if !control {
      total += payload_len;
      if cfg.max_payload > 0 && total > cfg.max_payload {
        fail!(ProtocolError::MessageTooLarge);
      }
      fragments += 1;
      if cfg.max_fragments > 0 && fragments > cfg.max_fragments {
        fail!(ProtocolError::TooManyFragments);
      }
      if op != 0 {
        binary = op == 2;
        compressed = rsv1;
        fragmented = !fin;
        msg.clear();
      }
    }
    let body_at = pos + header_len;
    let take = ((data.len() - body_at) as u64).min(payload_len) as usize;
    let mut body = data[body_at..body_at + take].to_vec();
    if let Some(k) = key {
      for (i, b) in body.iter_mut().enumerate() {
        *b ^= k[i % 4];
      }
    }
    let validate = !binary && !compressed && !cfg.skip_utf8_validation;
    let complete = take as u64 == payload_len;
    if control {
      if !complete {
        return out;
      }
      pos = body_at + take;
      match op {
        9 => out.push(Resolved::Ping(body)),
        10 => out.push(Resolved::Pong(body)),
        _ if cfg.lenient_close => {
          let (code, reason) = spec_lenient_close(&body);
          out.push(Resolved::Close { code, reason });
          return out;
        }
        _ => {
          if body.is_empty() {
            out.push(Resolved::Close {
              code: NO_STATUS,
              reason: Vec::new(),
            });
          } else {
            let code = u16::from_be_bytes([body[0], body[1]]);
            if !spec_valid_close_code(code) {
              fail!(ProtocolError::InvalidCloseCode(code));
            }
            if !cfg.skip_utf8_validation && std::str::from_utf8(&body[2..]).is_err() {
              fail!(ProtocolError::InvalidUtf8);
            }
            out.push(Resolved::Close {
              code,
              reason: body[2..].to_vec(),
            });
          }
          return out;
        }
      }
      continue;
    }
    msg.extend_from_slice(&body);
    // Text is checked as it arrives: an invalid sequence fails at once, even mid-frame.
    if validate && has_invalid_utf8(&msg) {
      fail!(ProtocolError::InvalidUtf8);
    }
    if !complete {
      return out;
    }
    pos = body_at + take;
    if fin {
      if validate && std::str::from_utf8(&msg).is_err() {
        fail!(ProtocolError::InvalidUtf8);
      }
      out.push(Resolved::Message {
        binary,
        compressed,
        data: std::mem::take(&mut msg),
      });
      fragmented = false;
      total = 0;
      fragments = 0;
    }
  }
}
