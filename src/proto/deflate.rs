//! permessage-deflate (RFC 7692) compression contexts, on flate2 with the zlib-rs backend.
//!
//! * [`Inflater`] checks the size limit **while** inflating: output is produced in bounded
//!   steps and the moment the message passes the limit it stops, so a decompression bomb
//!   never allocates more than the limit plus one step.
//! * Contexts are allocated on first use and can be released after each message when the
//!   context is not taken over, so an idle connection holds no zlib state.
//!
//! Parameter negotiation (`Sec-WebSocket-Extensions`) is header-string work done once per
//! connection, in JS.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// The 4 bytes a sender strips from the end of each compressed message (RFC 7692 §7.2.1) and
/// a receiver appends before inflating its last fragment.
pub const TRAILER: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// Output produced per inflate step (on the stack); the message buffer never grows past the
/// limit.
const STEP: usize = 16 * 1024;

/// Why inflating failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InflateError {
  /// The inflated message passed the size limit.
  TooLarge,
  /// The compressed data is not valid deflate data (zlib's message when it has one).
  Corrupt(String),
}

thread_local! {
  /// Inflate contexts for whole messages from peers that reset their context after every
  /// message, by window bits (9-15); reset after each use.
  static SHARED_INFLATE: std::cell::RefCell<[Option<Decompress>; 7]> =
    const { std::cell::RefCell::new([None, None, None, None, None, None, None]) };
}

/// The receiving side's decompression context.
#[derive(Debug)]
pub struct Inflater {
  inner: Option<Decompress>,
  window_bits: u8,
  no_context_takeover: bool,
}

impl Inflater {
  /// A context for a peer compressing with at most `window_bits` (8-15). With
  /// `no_context_takeover` the state is dropped after every message.
  pub fn new(window_bits: u8, no_context_takeover: bool) -> Self {
    Inflater {
      inner: None,
      window_bits: window_bits.clamp(9, 15),
      no_context_takeover,
    }
  }

  /// Whether zlib state is currently allocated.
  pub fn is_allocated(&self) -> bool {
    self.inner.is_some()
  }

  /// Drops the zlib state (it is recreated on the next message).
  pub fn release(&mut self) {
    self.inner = None;
  }

  /// Inflates one frame's payload, appending to `out`. `fin` marks the last frame of the
  /// message (the trailer is fed then). `limit` is the largest `out.len()` allowed
  /// (0 = none): past it, inflating stops with [`InflateError::TooLarge`].
  ///
  /// A whole message from a peer without context takeover (one frame, nothing in progress)
  /// is inflated with a per-thread context that is reset, not freed, after each message:
  /// no allocation per message, and still no state held per connection.
  pub fn inflate(
    &mut self,
    input: &[u8],
    fin: bool,
    out: &mut Vec<u8>,
    limit: usize,
  ) -> Result<(), InflateError> {
    let window_bits = self.window_bits;
    if fin && self.no_context_takeover && self.inner.is_none() {
      return SHARED_INFLATE.with(|shared| {
        let mut shared = shared.borrow_mut();
        let slot = &mut shared[usize::from(window_bits - 9)];
        let z = slot.get_or_insert_with(|| Decompress::new_with_window_bits(false, window_bits));
        let result = Self::run(z, input, out, limit).and_then(|ended| {
          if ended {
            Ok(ended)
          } else {
            Self::run(z, &TRAILER, out, limit)
          }
        });
        z.reset(false);
        result.map(|_| ())
      });
    }
    let z = self
      .inner
      .get_or_insert_with(|| Decompress::new_with_window_bits(false, window_bits));
    let result = Self::run(z, input, out, limit).and_then(|ended| {
      if fin && !ended {
        Self::run(z, &TRAILER, out, limit)
      } else {
        Ok(ended)
      }
    });
    // A block with BFINAL set ends the DEFLATE stream (RFC 7692 §7.2.3.5): what follows is
    // a new stream, so drop the state rather than feed it to an ended one (which inflates
    // nothing, silently).
    if !matches!(result, Ok(false)) || (fin && self.no_context_takeover) {
      self.inner = None;
    }
    result.map(|_| ())
  }

  fn run(
    z: &mut Decompress,
    mut input: &[u8],
    out: &mut Vec<u8>,
    limit: usize,
  ) -> Result<bool, InflateError> {
    let mut step = [0u8; STEP];
    loop {
      let before_in = z.total_in();
      let before_out = z.total_out();
      let status = z
        .decompress(input, &mut step, FlushDecompress::Sync)
        .map_err(|e| {
          InflateError::Corrupt(e.message().unwrap_or("invalid deflate data").to_string())
        })?;
      let consumed = (z.total_in() - before_in) as usize;
      let produced = (z.total_out() - before_out) as usize;
      input = &input[consumed..];
      if limit > 0 && out.len() + produced > limit {
        return Err(InflateError::TooLarge);
      }
      out.extend_from_slice(&step[..produced]);
      if status == Status::StreamEnd {
        return Ok(true);
      }
      if input.is_empty() && produced < STEP {
        return Ok(false);
      }
      if consumed == 0 && produced == 0 {
        // No progress although there is input and room for output.
        return Err(InflateError::Corrupt("invalid deflate data".to_string()));
      }
    }
  }
}

/// The plaintext a peer that keeps its inflate context (context takeover) still holds in its
/// window: the tail of what was sent compressed. A message compressed as a fresh stream with
/// this as its preset dictionary may refer back into earlier messages (as a compressor that
/// kept its context would), while the compressor itself is shared and holds no
/// per-connection state. Bounded by the window and by [`History::MAX`].
#[derive(Debug, Clone, Default)]
pub struct History {
  buf: Vec<u8>,
  cap: usize,
}

impl History {
  /// Largest history kept per connection: 4 KiB. Measured on 1 KiB JSON messages, each a
  /// fresh stream: as small an output as 8 KiB gives (0.89x ws's bytes; 2 KiB: 0.94x, 1 KiB:
  /// 1.04x). Priming hashes it: 24% of scenario (e)'s server samples when every message was
  /// primed, 1 KiB would save 17% of that CPU; a stream that goes on for the same peer
  /// ([`SharedDeflater`]) skips it.
  pub const MAX: usize = 4 * 1024;

  /// A history for a peer window of `window_bits` (8-15; 8 behaves as 9).
  pub fn new(window_bits: u8) -> Self {
    // The peer's window holds 2^bits bytes; stay under it.
    let window = 1usize << window_bits.clamp(9, 15);
    History {
      buf: Vec::new(),
      cap: Self::MAX.min(window - 262),
    }
  }

  /// The bytes to prime the next message with.
  pub fn as_slice(&self) -> &[u8] {
    &self.buf
  }

  /// Records plaintext that was sent compressed.
  pub fn push(&mut self, data: &[u8]) {
    if data.len() >= self.cap {
      self.buf.clear();
      self.buf.extend_from_slice(&data[data.len() - self.cap..]);
      return;
    }
    let excess = (self.buf.len() + data.len()).saturating_sub(self.cap);
    if excess > 0 {
      self.buf.drain(..excess);
    }
    self.buf.extend_from_slice(data);
  }

  /// Forgets everything (the peer reset its context).
  pub fn clear(&mut self) {
    self.buf = Vec::new();
  }
}

/// The sending side's compression context.
#[derive(Debug)]
pub struct Deflater {
  inner: Option<Compress>,
  level: u32,
  window_bits: u8,
  no_context_takeover: bool,
}

impl Deflater {
  /// A context compressing at `level` (0-9) with `window_bits` (9-15; 8 is raised to 9, as
  /// zlib does for raw deflate). With `no_context_takeover` every message starts a fresh
  /// stream (the allocation is kept; [`Deflater::release`] frees it).
  pub fn new(level: u32, window_bits: u8, no_context_takeover: bool) -> Self {
    Deflater {
      inner: None,
      level: level.min(9),
      window_bits: window_bits.clamp(9, 15),
      no_context_takeover,
    }
  }

  /// Whether zlib state is currently allocated.
  pub fn is_allocated(&self) -> bool {
    self.inner.is_some()
  }

  /// Drops the zlib state.
  pub fn release(&mut self) {
    self.inner = None;
  }

  /// Starts a fresh stream (keeping the allocation); nothing to do before the first use.
  pub fn reset(&mut self) {
    if let Some(z) = self.inner.as_mut() {
      z.reset();
    }
  }

  /// Primes a stream that has not started yet with a preset dictionary (the peer's window
  /// content, see [`History`]). Must come before the message's first [`Deflater::deflate`].
  pub fn prime(&mut self, dictionary: &[u8]) {
    if dictionary.is_empty() {
      return;
    }
    let z = self.compressor();
    // Only fails on a stream that already started, which callers never pass.
    let _ = z.set_dictionary(dictionary);
  }

  fn compressor(&mut self) -> &mut Compress {
    let (level, bits) = (self.level, self.window_bits);
    self
      .inner
      .get_or_insert_with(|| Compress::new_with_window_bits(Compression::new(level), false, bits))
  }

  /// Compresses one fragment's data, appending to `out`, with a sync flush. On `fin` the
  /// trailing `00 00 ff ff` is removed (RFC 7692 §7.2.1).
  pub fn deflate(&mut self, mut input: &[u8], fin: bool, out: &mut Vec<u8>) {
    let start = out.len();
    let z = self.compressor();
    loop {
      out.reserve(input.len() / 2 + 64);
      let before_in = z.total_in();
      // A sync flush of in-memory buffers cannot fail with a valid stream.
      let _ = z.compress_vec(input, out, FlushCompress::Sync);
      input = &input[(z.total_in() - before_in) as usize..];
      if input.is_empty() && out.len() < out.capacity() {
        break;
      }
    }
    if fin {
      if out.len() - start >= TRAILER.len() && out.ends_with(&TRAILER) {
        out.truncate(out.len() - TRAILER.len());
      } else if out.len() == start {
        // Nothing new since the last sync flush (an empty message or last fragment on a
        // stream that goes on): zlib emits nothing, but the peer appends the trailer and
        // expects it to close an empty stored block. RFC 7692 §7.2.3.6: that block is 0x00.
        out.push(0x00);
      }
      if self.no_context_takeover {
        // Keep the allocation: the next message starts a fresh stream in it.
        if let Some(z) = self.inner.as_mut() {
          z.reset();
        }
      }
    }
  }
}

/// What one connection's peer holds, for the compressors that serve it: the plaintext its
/// inflate window still has ([`History`]; none when it resets its context after every
/// message), and whether a [`SharedDeflater`]'s stream is still the one it inflated last.
#[derive(Debug, Clone, Default)]
pub struct PeerWindow {
  history: Option<History>,
  /// The shared compressor's stamp after this peer's last message through it; 0 when the
  /// peer's window has changed since by other means.
  stamp: u64,
}

impl PeerWindow {
  /// A peer with an inflate window of `window_bits` that keeps its context or not.
  pub fn new(window_bits: u8, context_takeover: bool) -> Self {
    PeerWindow {
      history: context_takeover.then(|| History::new(window_bits)),
      stamp: 0,
    }
  }

  /// What to prime a fresh stream for this peer with (none when it resets its context).
  pub fn history(&self) -> Option<&History> {
    self.history.as_ref()
  }

  /// Records a message the peer inflated from another stream (a fragmented message's own
  /// compressor, a broadcast encoding): the shared stream can no longer go on for it.
  pub fn record_elsewhere(&mut self, data: &[u8]) {
    self.stamp = 0;
    if let Some(h) = self.history.as_mut() {
      h.push(data);
    }
  }

  /// Forgets everything (the connection is closing).
  pub fn clear(&mut self) {
    self.stamp = 0;
    if let Some(h) = self.history.as_mut() {
      h.clear();
    }
  }
}

/// A compressor shared by the connections of a thread with the same level and window, so
/// an idle connection holds no zlib state (like uWebSockets' shared compressor). When its
/// last message went to the same peer and that peer keeps its context, the stream goes on
/// as a per-connection compressor's would; otherwise the message starts a fresh stream
/// (zlib-rs clears a 128 KiB hash table) primed with the peer's history (hashing up to
/// 4 KiB), which any peer can inflate.
#[derive(Debug)]
pub struct SharedDeflater {
  z: Deflater,
  /// Stamp of the stream's last message (0: no peer may go on with it).
  stamp: u64,
  /// Stamps handed out so far.
  stamps: u64,
}

impl SharedDeflater {
  /// A shared compressor at `level` with `window_bits` (as [`Deflater::new`]).
  pub fn new(level: u32, window_bits: u8) -> Self {
    SharedDeflater {
      z: Deflater::new(level, window_bits, false),
      stamp: 0,
      stamps: 0,
    }
  }

  /// Compresses one whole message for `peer`, appending to `out` (trailer stripped).
  pub fn compress(&mut self, peer: &mut PeerWindow, data: &[u8], out: &mut Vec<u8>) {
    let goes_on = peer.history.is_some() && peer.stamp != 0 && peer.stamp == self.stamp;
    if !goes_on {
      self.z.reset();
      if let Some(h) = peer.history.as_ref() {
        self.z.prime(h.as_slice());
      }
    }
    self.z.deflate(data, true, out);
    match peer.history.as_mut() {
      Some(h) => {
        h.push(data);
        self.stamps += 1;
        self.stamp = self.stamps;
        peer.stamp = self.stamps;
      }
      None => self.stamp = 0,
    }
  }
}

/// The shared compressors of one thread, by (level, window bits): what a
/// [`ConnectionDeflater`] compresses whole messages with.
pub type SharedDeflaters = std::collections::HashMap<(u32, u8), SharedDeflater>;

/// One connection's sending side of permessage-deflate, and the sharing policy: a whole
/// message is compressed with the thread's [`SharedDeflater`] for the connection's level and
/// window (so an idle connection holds no zlib state); only a message sent in fragments gets
/// a compressor of its own, primed with the peer's history and freed after its last
/// fragment.
#[derive(Debug)]
pub struct ConnectionDeflater {
  level: u32,
  window_bits: u8,
  own: Option<Deflater>,
  /// What the peer's inflate window holds.
  peer: PeerWindow,
}

impl ConnectionDeflater {
  /// `level` 0-9, `window_bits` 8-15 (8 behaves as 9, as zlib does). With
  /// `context_takeover` the peer keeps its context and messages are primed with the
  /// connection's history.
  pub fn new(level: u32, window_bits: u8, context_takeover: bool) -> Self {
    let window_bits = window_bits.clamp(9, 15);
    ConnectionDeflater {
      level: level.min(9),
      window_bits,
      own: None,
      peer: PeerWindow::new(window_bits, context_takeover),
    }
  }

  /// Compresses one whole message with `shared`'s compressor for this connection, appending
  /// to `out` (trailer stripped).
  pub fn compress_whole(&mut self, shared: &mut SharedDeflaters, data: &[u8], out: &mut Vec<u8>) {
    let (level, bits) = (self.level, self.window_bits);
    shared
      .entry((level, bits))
      .or_insert_with(|| SharedDeflater::new(level, bits))
      .compress(&mut self.peer, data, out);
  }

  /// Compresses one frame's data, appending to `out`: a whole message (`fin` with no
  /// fragmented message open) through `shared`, a fragment through the connection's own
  /// compressor.
  pub fn compress_frame(
    &mut self,
    shared: &mut SharedDeflaters,
    data: &[u8],
    fin: bool,
    out: &mut Vec<u8>,
  ) {
    if self.own.is_none() && fin {
      self.compress_whole(shared, data, out);
      return;
    }
    let (level, bits) = (self.level, self.window_bits);
    let history = self.peer.history();
    let z = self.own.get_or_insert_with(|| {
      let mut z = Deflater::new(level, bits, true);
      if let Some(h) = history {
        z.prime(h.as_slice());
      }
      z
    });
    z.deflate(data, fin, out);
    self.peer.record_elsewhere(data);
    if fin {
      self.own = None;
    }
  }

  /// Records a message the peer inflated in its kept context without this connection
  /// compressing it (a shared broadcast encoding), so later messages may refer to it.
  pub fn remember(&mut self, data: &[u8]) {
    self.peer.record_elsewhere(data);
  }

  /// Drops the fragment compressor, if any, and the history (the connection is closing).
  pub fn release(&mut self) {
    self.own = None;
    self.peer.clear();
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_connection_compresses_whole_messages_shared_and_fragments_with_its_own_compressor() {
    // Two connections on one thread's shared compressors; one sends a fragmented message in
    // between. Each peer's single inflate context must read everything it was sent.
    let mut shared = SharedDeflaters::new();
    let mut a = ConnectionDeflater::new(6, 15, true);
    let mut b = ConnectionDeflater::new(6, 15, true);
    let (mut peer_a, mut peer_b) = (Inflater::new(15, false), Inflater::new(15, false));
    let inflate = |peer: &mut Inflater, data: &[u8]| {
      let mut out = Vec::new();
      peer.inflate(data, true, &mut out, 0).unwrap();
      out
    };
    for m in 0..5 {
      let msg = format!(r#"{{"seq":{m},"text":"hello hello hello"}}"#);
      let (mut za, mut zb) = (Vec::new(), Vec::new());
      a.compress_frame(&mut shared, msg.as_bytes(), true, &mut za);
      b.compress_frame(&mut shared, msg.as_bytes(), true, &mut zb);
      assert_eq!(inflate(&mut peer_a, &za), msg.as_bytes());
      assert_eq!(inflate(&mut peer_b, &zb), msg.as_bytes());
      // A fragmented message on `a`: its own compressor, one stream across the fragments.
      let mut frag = Vec::new();
      a.compress_frame(&mut shared, b"part one, ", false, &mut frag);
      assert!(a.own.is_some());
      let mut first = Vec::new();
      peer_a.inflate(&frag, false, &mut first, 0).unwrap();
      let mut last = Vec::new();
      a.compress_frame(&mut shared, b"part two", true, &mut last);
      assert!(
        a.own.is_none(),
        "the fragment compressor is freed after the last fragment"
      );
      let mut rest = Vec::new();
      peer_a.inflate(&last, true, &mut rest, 0).unwrap();
      assert_eq!([first, rest].concat(), b"part one, part two");
    }
    assert_eq!(shared.len(), 1, "one shared compressor per (level, window)");
  }

  #[test]
  fn rfc7692_hello() {
    // RFC 7692 §7.2.3.1: "Hello" compressed is f2 48 cd c9 c9 07 00.
    let mut out = Vec::new();
    Inflater::new(15, false)
      .inflate(
        &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00],
        true,
        &mut out,
        0,
      )
      .unwrap();
    assert_eq!(out, b"Hello");
    let mut d = Vec::new();
    Deflater::new(6, 15, false).deflate(b"Hello", true, &mut d);
    assert_eq!(d, [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);
  }

  #[test]
  fn a_primed_fresh_stream_inflates_in_a_context_kept_by_the_peer() {
    // The peer keeps one inflate context; we compress each message as a fresh stream primed
    // with the history. Every message must inflate correctly and later ones get smaller.
    for bits in 8..=15u8 {
      let mut peer = Inflater::new(bits, false);
      let mut history = History::new(bits);
      let mut sizes = Vec::new();
      for m in 0..20 {
        let msg =
          format!(r#"{{"seq":{m},"items":[{{"id":1,"name":"alpha"}},{{"id":2,"name":"beta"}}]}}"#);
        let mut z = Deflater::new(6, bits, true);
        z.prime(history.as_slice());
        let mut compressed = Vec::new();
        z.deflate(msg.as_bytes(), true, &mut compressed);
        history.push(msg.as_bytes());
        let mut out = Vec::new();
        peer.inflate(&compressed, true, &mut out, 0).unwrap();
        assert_eq!(out, msg.as_bytes(), "bits {bits} message {m}");
        sizes.push(compressed.len());
      }
      assert!(sizes[19] < sizes[0] / 2, "bits {bits}: {sizes:?}");
    }
  }

  #[test]
  fn history_keeps_the_tail_within_the_window() {
    let mut h = History::new(9);
    assert_eq!(h.cap, 512 - 262);
    h.push(&[1; 200]);
    h.push(&[2; 100]);
    assert_eq!(h.as_slice().len(), 250);
    assert_eq!(h.as_slice()[249], 2);
    assert_eq!(h.as_slice()[0], 1);
    h.push(&[3; 1000]);
    assert_eq!(h.as_slice(), &[3; 250][..]);
    let mut big = History::new(15);
    big.push(&vec![4; 100_000]);
    assert_eq!(big.as_slice().len(), History::MAX);
  }

  #[test]
  fn rfc7692_context_takeover_example() {
    // §7.2.3.2: the second "Hello" with a shared window is f2 00 11 00 00.
    let mut inf = Inflater::new(15, false);
    let mut out = Vec::new();
    inf
      .inflate(
        &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00],
        true,
        &mut out,
        0,
      )
      .unwrap();
    out.clear();
    inf
      .inflate(&[0xf2, 0x00, 0x11, 0x00, 0x00], true, &mut out, 0)
      .unwrap();
    assert_eq!(out, b"Hello");
  }

  #[test]
  fn round_trips_with_and_without_takeover() {
    let data: Vec<u8> = (0..200_000u32)
      .map(|i| (i % 97) as u8 ^ (i / 1000) as u8)
      .collect();
    for takeover in [false, true] {
      let mut def = Deflater::new(6, 15, !takeover);
      let mut inf = Inflater::new(15, !takeover);
      for _ in 0..3 {
        let mut c = Vec::new();
        def.deflate(&data, true, &mut c);
        assert!(c.len() < data.len());
        let mut out = Vec::new();
        inf.inflate(&c, true, &mut out, 0).unwrap();
        assert_eq!(out, data);
        assert_eq!(inf.is_allocated(), takeover);
        assert!(def.is_allocated());
      }
    }
  }

  #[test]
  fn fragments_inflate_to_the_whole() {
    let data = b"fragmented text fragmented text fragmented text".repeat(100);
    let mut def = Deflater::new(6, 15, false);
    let mut c = Vec::new();
    def.deflate(&data, true, &mut c);
    for cut in [0, 1, 7, c.len() / 2, c.len() - 1] {
      let mut inf = Inflater::new(15, false);
      let mut out = Vec::new();
      inf.inflate(&c[..cut], false, &mut out, 0).unwrap();
      inf.inflate(&c[cut..], true, &mut out, 0).unwrap();
      assert_eq!(out, data, "cut {cut}");
    }
  }

  #[test]
  fn a_bomb_stops_at_the_limit() {
    let zeros = vec![0u8; 50 * 1024 * 1024];
    let mut c = Vec::new();
    Deflater::new(9, 15, true).deflate(&zeros, true, &mut c);
    assert!(c.len() < 100 * 1024);
    let mut out = Vec::new();
    let limit = 1024 * 1024;
    assert_eq!(
      Inflater::new(15, false).inflate(&c, true, &mut out, limit),
      Err(InflateError::TooLarge)
    );
    assert!(out.len() <= limit, "inflated {} bytes", out.len());
    assert!(out.capacity() <= 2 * limit);
  }

  #[test]
  fn corrupt_data_is_an_error() {
    let mut out = Vec::new();
    let r = Inflater::new(15, false).inflate(&[0xff, 0xff, 0xff, 0xff, 0xff], true, &mut out, 0);
    assert!(matches!(r, Err(InflateError::Corrupt(_))), "{r:?}");
  }

  #[test]
  fn small_windows() {
    let data = b"abcabcabc window bits test ".repeat(1000);
    for bits in 8..=15u8 {
      let mut c = Vec::new();
      Deflater::new(6, bits, false).deflate(&data, true, &mut c);
      let mut out = Vec::new();
      Inflater::new(bits.max(9), false)
        .inflate(&c, true, &mut out, 0)
        .unwrap();
      assert_eq!(out, data, "bits {bits}");
    }
  }

  #[test]
  fn peers_taking_turns_on_a_shared_compressor_each_inflate_their_messages() {
    // Runs to one peer go on with the stream; a switch, a fragmented message (own
    // compressor) or a message from elsewhere in between start a fresh primed stream.
    let bits = 15;
    let mut shared = SharedDeflater::new(6, bits);
    let mut peers: Vec<(PeerWindow, Inflater)> = (0..2)
      .map(|_| (PeerWindow::new(bits, true), Inflater::new(bits, false)))
      .collect();
    let mut resetting = (PeerWindow::new(bits, false), Inflater::new(bits, true));
    let text = |i: usize| {
      let items: Vec<String> = (0..30).map(|k| format!("item-{}", k % (i + 3))).collect();
      format!(r#"{{"i":{i},"items":{items:?}}}"#).into_bytes()
    };
    for (i, step) in "aabaabbbafabrbnabbnnbrnbfnab".chars().enumerate() {
      let data = text(i);
      let mut compressed = Vec::new();
      let (peer, inflater) = match step {
        'n' => (&mut resetting.0, &mut resetting.1),
        'a' | 'f' => {
          let (p, z) = &mut peers[0];
          (p, z)
        }
        _ => {
          let (p, z) = &mut peers[1];
          (p, z)
        }
      };
      match step {
        'f' => {
          let mut own = Deflater::new(6, bits, true);
          if let Some(h) = peer.history() {
            own.prime(h.as_slice());
          }
          own.deflate(&data, true, &mut compressed);
          peer.record_elsewhere(&data);
        }
        'r' => {
          Deflater::new(6, bits, true).deflate(&data, true, &mut compressed);
          peer.record_elsewhere(&data);
        }
        _ => shared.compress(peer, &data, &mut compressed),
      }
      let mut out = Vec::new();
      inflater.inflate(&compressed, true, &mut out, 0).unwrap();
      assert_eq!(out, data, "step {i} ({step})");
    }
  }

  #[test]
  fn empty_messages_and_empty_last_fragments_keep_the_peer_in_step() {
    // zlib emits nothing for a sync flush with no new input; the peer still appends the
    // trailer, so the sender must close an empty stored block itself.
    let mut shared = SharedDeflater::new(6, 15);
    let mut window = PeerWindow::new(15, true);
    let mut peer = Inflater::new(15, false);
    for message in [&b"hello hello"[..], b"", b"", b"hello again", b""] {
      let mut compressed = Vec::new();
      shared.compress(&mut window, message, &mut compressed);
      let mut out = Vec::new();
      peer.inflate(&compressed, true, &mut out, 0).unwrap();
      assert_eq!(out, message);
    }
    let mut own = Deflater::new(6, 15, false);
    let mut peer = Inflater::new(15, false);
    for (data, fin) in [(&b"frag"[..], false), (b"", true), (b"next", true)] {
      let mut compressed = Vec::new();
      own.deflate(data, fin, &mut compressed);
      let mut out = Vec::new();
      peer.inflate(&compressed, fin, &mut out, 0).unwrap();
      assert_eq!(out, data);
    }
  }
}
