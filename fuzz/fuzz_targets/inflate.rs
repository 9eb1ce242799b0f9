//! permessage-deflate contexts on any input: inflating arbitrary bytes never panics and
//! never produces more than the limit (the bomb bound), and data compressed by the
//! sending side (a compressor shared by two peers, going on with its stream for the same
//! peer and starting fresh primed streams on a switch, as oxws sends them) inflates back
//! exactly in the context each receiver keeps.
//! Byte 0: window bits (8-15), whether the peer resets its context, and (bits 4-7) which
//! peer each of the round trip's messages goes to; byte 1: the limit (0 = none, else
//! 1..=255 KiB); byte 2: where to split the input into two frames.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxws::proto::deflate::{InflateError, Inflater, PeerWindow, SharedDeflater};
use std::cell::RefCell;

thread_local! {
  /// One shared compressor per window size, reused across runs (allocating zlib state per
  /// run would make the target 10x slower; a new run's peers never go on with its stream).
  static SHARED: RefCell<Vec<SharedDeflater>> =
    RefCell::new((8..=15).map(|bits| SharedDeflater::new(6, bits)).collect());
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

  // 2. Round trip: messages compressed as oxws sends them inflate back in the context each
  //    of two peers keeps, whichever order they take turns in.
  let mut peers: Vec<(PeerWindow, Inflater)> = (0..2)
    .map(|_| (PeerWindow::new(bits, !no_context), Inflater::new(bits, no_context)))
    .collect();
  for (i, message) in [&input[..cut], &input[cut..], input, &input[..cut]]
    .into_iter()
    .enumerate()
  {
    let (window, inflater) = &mut peers[usize::from((flags >> (4 + i)) & 1)];
    let mut compressed = Vec::new();
    SHARED.with_borrow_mut(|s| s[usize::from(bits - 8)].compress(window, message, &mut compressed));
    let mut out = Vec::new();
    inflater
      .inflate(&compressed, true, &mut out, 0)
      .expect("our own output inflates");
    assert_eq!(out, message);
  }
});
