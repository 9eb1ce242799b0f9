//! permessage-deflate contexts on any input: inflating arbitrary bytes never panics and
//! never produces more than the limit (the bomb bound), and data compressed by the
//! sending side (fresh streams primed with a history, as oxws sends them) inflates back
//! exactly in a context the receiver keeps.
//! Byte 0: window bits (8-15) and whether the peer resets its context; byte 1: the limit
//! (0 = none, else 1..=255 KiB); byte 2: where to split the input into two frames.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxws::proto::deflate::{Deflater, History, InflateError, Inflater};
use std::cell::RefCell;

thread_local! {
  /// One compressor per window size, reused across runs (it resets after each message):
  /// allocating zlib state per run would make the target 10x slower.
  static DEFLATERS: RefCell<Vec<Deflater>> =
    RefCell::new((8..=15).map(|bits| Deflater::new(6, bits, true)).collect());
}

fuzz_target!(|data: &[u8]| {
  let [flags, limit_kib, cut, input @ ..] = data else {
    return;
  };
  let bits = 8 + (flags & 7);
  let no_context = flags & 8 != 0;
  let limit = usize::from(*limit_kib) * 1024;
  let cut = if input.is_empty() {
    0
  } else {
    usize::from(*cut) % (input.len() + 1)
  };

  // 1. Arbitrary bytes, in two frames of one message, then as a second message.
  let mut inf = Inflater::new(bits, no_context);
  for _ in 0..2 {
    let mut out = Vec::new();
    let first = inf.inflate(&input[..cut], false, &mut out, limit);
    let result = first.and_then(|_| inf.inflate(&input[cut..], true, &mut out, limit));
    if limit > 0 {
      assert!(
        out.len() <= limit,
        "inflated {} past the limit {limit}",
        out.len()
      );
    }
    if let Err(InflateError::TooLarge) = result {
      assert!(limit > 0);
    }
  }

  // 2. Round trip: messages compressed as oxws sends them inflate back in a kept context.
  let mut peer = Inflater::new(bits, no_context);
  let mut history = History::new(bits);
  for message in [&input[..cut], &input[cut..], input] {
    let mut compressed = Vec::new();
    DEFLATERS.with(|d| {
      let z = &mut d.borrow_mut()[usize::from(bits - 8)];
      if !no_context {
        z.prime(history.as_slice());
      }
      z.deflate(message, true, &mut compressed);
    });
    history.push(message);
    let mut out = Vec::new();
    peer
      .inflate(&compressed, true, &mut out, 0)
      .expect("our own output inflates");
    assert_eq!(out, message);
  }
});
