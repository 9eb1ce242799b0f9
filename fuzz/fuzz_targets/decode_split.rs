//! The decoder on the same bytes fed whole and split into chunks: the resolved events
//! (kind, flags, payload bytes, close code, or the error) must be identical.
//!
//! Input:
//! * byte 0: the config (see `oxws_fuzz::config_from_byte`). Bit 5 clear (the main mode):
//!   `max_buffered_chunks = 0`, and the split must give exactly the whole's events. Bit 5
//!   set: `max_buffered_chunks = 1`; that limit depends on the chunking by design, so the
//!   split may stop early with `TooManyBufferedChunks`, but the events before it must be the
//!   whole's, and nothing may follow it;
//! * byte 1: bits 0-3 the number N of cut lengths; bit 4 with bit 7 set: no context
//!   takeover; bits 5-6 the split side's sink room per call (0 unbounded, else 1-3 events);
//!   bit 7: the decoder inflates permessage-deflate itself (`enable_inflate(15, _)`);
//! * N bytes: chunk lengths, used in turn and cycled (0 = an empty chunk);
//! * the rest: the byte stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxws::proto::ProtocolError;
use oxws_fuzz::{config_from_byte, Driver, Resolved};

fuzz_target!(|data: &[u8]| {
  if data.len() < 2 {
    return;
  }
  let (cfg_byte, split_byte) = (data[0], data[1]);
  let n_cuts = usize::from(split_byte & 0x0f).min(data.len() - 2);
  let cuts = &data[2..2 + n_cuts];
  let stream = &data[2 + n_cuts..];
  let limited = cfg_byte & 0x20 != 0;
  let inflate = split_byte & 0x80 != 0;
  let no_context_takeover = split_byte & 0x10 != 0;
  let mut config = config_from_byte(cfg_byte, 1);
  if !limited {
    config = config.with_max_buffered_chunks(0);
  }
  let sink_cap = match (split_byte >> 5) & 3 {
    0 => usize::MAX,
    n => usize::from(n),
  };

  let mut whole = Driver::new(config.clone(), usize::MAX);
  let mut split = Driver::new(config, sink_cap);
  if inflate {
    whole.enable_inflate(15, no_context_takeover);
    split.enable_inflate(15, no_context_takeover);
  }
  whole.feed(stream);

  let mut pos = 0;
  let mut i = 0;
  let mut empty_run = 0;
  while pos < stream.len() {
    let len = if cuts.is_empty() || empty_run > cuts.len() {
      // No cuts, or a whole cycle of zeros: the rest in one piece.
      stream.len() - pos
    } else {
      usize::from(cuts[i % cuts.len()]).min(stream.len() - pos)
    };
    i += 1;
    empty_run = if len == 0 { empty_run + 1 } else { 0 };
    split.feed(&stream[pos..pos + len]);
    pos += len;
  }

  let too_many = split
    .events
    .iter()
    .position(|e| *e == Resolved::Error(ProtocolError::TooManyBufferedChunks));
  match too_many {
    Some(at) if limited => {
      assert_eq!(at, split.events.len() - 1);
      assert!(
        whole.events.len() >= at && split.events[..at] == whole.events[..at],
        "split events before TooManyBufferedChunks (left) are not a prefix of the whole's \
         (right)\n{:?}\n{:?}",
        split.events,
        whole.events
      );
    }
    _ => assert_eq!(
      split.events, whole.events,
      "split (left) differs from whole (right)"
    ),
  }
});
