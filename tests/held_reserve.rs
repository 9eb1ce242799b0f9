//! How the decoder reserves memory for a message that spans reads: to the end of the frame
//! when that is within 32 times what arrived, else 16 times what arrived, so a 64 KiB frame
//! split over two reads is reserved once, a 16 MiB one moves once, and a peer that announces
//! a large frame and trickles bytes gets a reservation bounded by what it sent.

mod common;

use common::{feed_chunk, Resolved};
use oxws::proto::{Config, Decoder};

/// A binary frame header for `len` payload bytes, masked with `key` when given.
fn header(len: u64, key: Option<[u8; 4]>) -> Vec<u8> {
  let bit = if key.is_some() { 0x80 } else { 0 };
  let mut h = vec![0x82];
  if len < 126 {
    h.push(bit | len as u8);
  } else if len < 65536 {
    h.push(bit | 126);
    h.extend_from_slice(&(len as u16).to_be_bytes());
  } else {
    h.push(bit | 127);
    h.extend_from_slice(&len.to_be_bytes());
  }
  if let Some(k) = key {
    h.extend_from_slice(&k);
  }
  h
}

fn payload(len: usize) -> Vec<u8> {
  (0..len).map(|i| (i % 251) as u8).collect()
}

#[test]
fn a_64_kib_frame_over_two_reads_is_reserved_once() {
  let mut decoder = Decoder::new(Config::client());
  let mut first = header(65536, None);
  first.extend(std::iter::repeat_n(7u8, 65536 - 100));
  let mut out = Vec::new();
  feed_chunk(&mut decoder, first, &mut out);
  assert!(out.is_empty());
  assert_eq!(decoder.retained_capacity(), 65536);
  feed_chunk(&mut decoder, vec![7u8; 100], &mut out);
  assert_eq!(out, vec![Resolved::Binary(vec![7u8; 65536])]);
}

#[test]
fn a_frame_that_announces_more_than_arrived_gets_a_bounded_reservation() {
  let mut decoder = Decoder::new(Config::client());
  let mut out = Vec::new();
  feed_chunk(&mut decoder, header(60 << 20, None), &mut out);
  let mut sent = 0;
  for _ in 0..100 {
    feed_chunk(&mut decoder, vec![1u8; 1024], &mut out);
    sent += 1024;
    assert!(
      decoder.retained_capacity() <= 32 * sent,
      "{} reserved for {sent} sent",
      decoder.retained_capacity()
    );
  }
  assert!(out.is_empty());
}

#[test]
fn a_16_mib_masked_frame_in_64_kib_reads_moves_once_and_arrives_unmasked() {
  let len = 16 << 20;
  let key = [0x11, 0x22, 0x33, 0x44];
  let mut stream = header(len as u64, Some(key));
  stream.extend(payload(len).iter().enumerate().map(|(i, b)| b ^ key[i & 3]));
  // Read sizes that end the reservation steps at different distances from the frame's end
  // (61,454 reads put 16 times the first step just short of it); odd sizes shift the
  // frame's phase against the key from read to read.
  for read in [65536, 65531, 61454] {
    let mut decoder = Decoder::new(Config::server());
    let mut out = Vec::new();
    let mut capacities = vec![];
    for chunk in stream.chunks(read) {
      feed_chunk(&mut decoder, chunk.to_vec(), &mut out);
      let c = decoder.retained_capacity();
      if c != 0 && capacities.last() != Some(&c) {
        capacities.push(c);
      }
    }
    assert_eq!(
      capacities.len(),
      2,
      "reads of {read}: capacities {capacities:?}"
    );
    assert_eq!(capacities[1], len);
    assert_eq!(out, vec![Resolved::Binary(payload(len))], "reads of {read}");
  }
}
