//! Shared helpers for the integration tests: hex frames, a resolving feed loop.
#![allow(dead_code)]

use oxws::proto::{Decoder, Event, Payload, ProtocolError};

/// Decodes a hex string (spaces allowed).
pub fn hex(s: &str) -> Vec<u8> {
  let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
  (0..s.len())
    .step_by(2)
    .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
    .collect()
}

/// An event with its payload bytes resolved (from the chunk or from the decoder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
  Text(Vec<u8>),
  Binary(Vec<u8>),
  Compressed { binary: bool, data: Vec<u8> },
  Ping(Vec<u8>),
  Pong(Vec<u8>),
  Close(u16, Vec<u8>),
  Error(ProtocolError),
}

/// Feeds one chunk completely (re-feeding after held events), resolving every event.
pub fn feed_chunk(decoder: &mut Decoder, mut chunk: Vec<u8>, out: &mut Vec<Resolved>) {
  let mut pos = 0;
  loop {
    let mut events = Vec::new();
    match decoder.feed(&mut chunk, pos, &mut events) {
      Ok(next) => {
        resolve(decoder, &chunk, &events, out);
        if next >= chunk.len() {
          return;
        }
        pos = next;
      }
      Err(e) => {
        resolve(decoder, &chunk, &events, out);
        out.push(Resolved::Error(e));
        return;
      }
    }
  }
}

fn bytes(decoder: &mut Decoder, chunk: &[u8], p: Payload, message: bool) -> Vec<u8> {
  match p {
    Payload::Chunk { start, end } => chunk[start..end].to_vec(),
    Payload::Held if message => decoder.take_message(),
    Payload::Held => decoder.control_payload().to_vec(),
  }
}

fn resolve(decoder: &mut Decoder, chunk: &[u8], events: &[Event], out: &mut Vec<Resolved>) {
  for ev in events {
    out.push(match *ev {
      Event::Message {
        binary,
        compressed,
        payload,
      } => {
        let data = bytes(decoder, chunk, payload, true);
        match (compressed, binary) {
          (true, _) => Resolved::Compressed { binary, data },
          (false, true) => Resolved::Binary(data),
          (false, false) => Resolved::Text(data),
        }
      }
      Event::Ping(p) => Resolved::Ping(bytes(decoder, chunk, p, false)),
      Event::Pong(p) => Resolved::Pong(bytes(decoder, chunk, p, false)),
      Event::Close {
        code,
        payload,
        reason_start,
      } => {
        let data = bytes(decoder, chunk, payload, false);
        Resolved::Close(code, data[reason_start..].to_vec())
      }
    });
  }
}

/// Feeds `input` split at `cuts` (sorted offsets) and returns every resolved event.
pub fn decode_split(decoder: &mut Decoder, input: &[u8], cuts: &[usize]) -> Vec<Resolved> {
  let mut out = Vec::new();
  let mut start = 0;
  for &c in cuts.iter().chain(std::iter::once(&input.len())) {
    let c = c.clamp(start, input.len());
    feed_chunk(decoder, input[start..c].to_vec(), &mut out);
    start = c;
  }
  out
}

/// Masks `payload` with `key` (test-side reference).
pub fn masked(payload: &[u8], key: [u8; 4]) -> Vec<u8> {
  payload
    .iter()
    .enumerate()
    .map(|(i, b)| b ^ key[i % 4])
    .collect()
}

/// Builds one frame: `b0` is FIN/RSV/opcode, payload masked with `key` when given.
pub fn frame(b0: u8, payload: &[u8], key: Option<[u8; 4]>) -> Vec<u8> {
  let mut out = vec![b0];
  let m = if key.is_some() { 0x80 } else { 0 };
  let n = payload.len();
  if n < 126 {
    out.push(m | n as u8);
  } else if n <= 0xffff {
    out.push(m | 126);
    out.extend_from_slice(&(n as u16).to_be_bytes());
  } else {
    out.push(m | 127);
    out.extend_from_slice(&(n as u64).to_be_bytes());
  }
  match key {
    Some(k) => {
      out.extend_from_slice(&k);
      out.extend(masked(payload, k));
    }
    None => out.extend_from_slice(payload),
  }
  out
}
