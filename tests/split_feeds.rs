//! Property: feeding any split of the same bytes yields the same events, and short input
//! consumes nothing that is lost.

mod common;

use common::*;
use oxws::proto::{Config, Decoder, Masking};
use proptest::prelude::*;

/// A stream of frames from a client (masked) covering every frame kind.
fn sample_stream() -> Vec<u8> {
  let k = Some([0x11, 0x22, 0x33, 0x44]);
  let big: Vec<u8> = (0..300u32).map(|i| (i * 7) as u8).collect();
  let mut s = Vec::new();
  s.extend(frame(0x81, "héllo wörld".as_bytes(), k));
  s.extend(frame(0x82, &big, k));
  s.extend(frame(0x01, "κόσ".as_bytes(), k));
  s.extend(frame(0x89, b"ping!", k));
  s.extend(frame(0x80, "με".as_bytes(), k));
  s.extend(frame(0x8a, b"", k));
  s.extend(frame(0x82, &[], k));
  s.extend(frame(0x02, &big[..126], k));
  s.extend(frame(0x80, &big[..70], k));
  s.extend(frame(0x88, &[0x03, 0xe8, b'b', b'y', b'e'], k));
  s
}

#[test]
fn every_single_cut_gives_the_same_events() {
  let input = sample_stream();
  let whole = decode_split(&mut Decoder::new(Config::server()), &input, &[]);
  assert_eq!(whole.len(), 8);
  for cut in 0..=input.len() {
    let split = decode_split(&mut Decoder::new(Config::server()), &input, &[cut]);
    assert_eq!(split, whole, "cut at {cut}");
  }
}

#[test]
fn byte_at_a_time_gives_the_same_events() {
  let input = sample_stream();
  let whole = decode_split(&mut Decoder::new(Config::server()), &input, &[]);
  let cuts: Vec<usize> = (1..input.len()).collect();
  let split = decode_split(&mut Decoder::new(Config::server()), &input, &cuts);
  assert_eq!(split, whole);
}

proptest! {
  #![proptest_config(ProptestConfig::with_cases(512))]

  #[test]
  fn random_splits_of_the_sample_agree(cuts in proptest::collection::vec(0usize..1200, 0..12)) {
    let input = sample_stream();
    let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (input.len() + 1)).collect();
    cuts.sort_unstable();
    let whole = decode_split(&mut Decoder::new(Config::server()), &input, &[]);
    let split = decode_split(&mut Decoder::new(Config::server()), &input, &cuts);
    prop_assert_eq!(split, whole);
  }

  #[test]
  fn random_bytes_split_randomly_agree(
    input in proptest::collection::vec(any::<u8>(), 0..400),
    cuts in proptest::collection::vec(0usize..400, 0..8),
  ) {
    let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (input.len() + 1)).collect();
    cuts.sort_unstable();
    let cfg = || Config::server().with_masking(Masking::Optional).with_max_payload(200).with_max_buffered_chunks(0);
    let whole = decode_split(&mut Decoder::new(cfg()), &input, &[]);
    let split = decode_split(&mut Decoder::new(cfg()), &input, &cuts);
    prop_assert_eq!(split, whole);
  }
}
