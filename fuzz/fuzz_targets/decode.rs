//! The decoder on one whole chunk.
//!
//! Input: byte 0 picks the config (see `oxws_fuzz::config_from_byte`; the small
//! `max_buffered_chunks` is 1), the rest is the byte stream, fed as one chunk and drained
//! with the re-feed loop. Checks:
//!
//! * the invariants in `Driver` (payload ranges in bounds, limits, UTF-8, close codes, at
//!   most one error and nothing after it or after a close, progress);
//! * the resolved events equal those of `oxws_fuzz::model` (a whole-buffer reading of the
//!   RFC and `ws`'s rules);
//! * a sink with room for one event per call gives the same events as an unbounded one;
//! * two short extra chunks after the stream keep the invariants (a closed or failed decoder
//!   reports nothing more).
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxws_fuzz::{config_from_byte, model, Driver};

fuzz_target!(|data: &[u8]| {
  let Some((&cfg_byte, stream)) = data.split_first() else {
    return;
  };
  let config = config_from_byte(cfg_byte, 1);

  let mut unbounded = Driver::new(config.clone(), usize::MAX);
  unbounded.feed(stream);
  let expected = model(&config, stream);
  assert_eq!(
    unbounded.events, expected,
    "decoder (left) differs from the model (right)"
  );

  let mut one = Driver::new(config, 1);
  one.feed(stream);
  assert_eq!(
    one.events, unbounded.events,
    "a one-event sink (left) differs from an unbounded one (right)"
  );

  // Trailing chunks: with max_buffered_chunks = 1 the first may legitimately fail with
  // TooManyBufferedChunks; whatever happens, the second may add nothing after an error.
  let tail = &stream[..stream.len().min(2)];
  unbounded.feed(tail);
  unbounded.feed(tail);
});
