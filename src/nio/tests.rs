use super::*;
use crate::proto::Config;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

/// A decoder as a server's connection has (frames from the peer must be masked).
fn server_decoder() -> Decoder {
  Decoder::new(Config::server())
}

/// The masking key of the peer's frames (RFC 6455 §5.7's).
const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// One masked frame from the peer: first header byte `first` (FIN, RSV, opcode), `payload`.
fn masked(first: u8, payload: &[u8]) -> Vec<u8> {
  let mut frame = vec![first];
  match payload.len() {
    n if n < 126 => frame.push(0x80 | n as u8),
    n if n < 65536 => {
      frame.push(0x80 | 126);
      frame.extend_from_slice(&(n as u16).to_be_bytes());
    }
    n => {
      frame.push(0x80 | 127);
      frame.extend_from_slice(&(n as u64).to_be_bytes());
    }
  }
  frame.extend_from_slice(&KEY);
  frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ KEY[i & 3]));
  frame
}

/// A masked text message (FIN).
fn text(payload: &[u8]) -> Vec<u8> {
  masked(0x81, payload)
}

/// An `Io` whose wake-ups arrive on a channel.
fn new_io() -> (Io, std_mpsc::Receiver<()>) {
  let (tx, woken) = std_mpsc::channel();
  let tx = Mutex::new(tx);
  let io = Io::new(move || {
    let _ = tx.lock().unwrap().send(());
  })
  .unwrap();
  (io, woken)
}

/// A connection adopted by `io` with a server's decoder (`head` read before the hand-over),
/// and its peer.
fn connect(io: &mut Io, head: Vec<u8>) -> (TcpStream, u32) {
  let listener = TcpListener::bind("127.0.0.1:0").unwrap();
  let peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
  let (accepted, _) = listener.accept().unwrap();
  let id = io
    .adopt(accepted.as_raw_fd(), head, server_decoder())
    .unwrap();
  drop(accepted); // the duplicate keeps the connection open
  peer
    .set_read_timeout(Some(Duration::from_secs(10)))
    .unwrap();
  (peer, id)
}

/// An `Io` whose wake-ups arrive on a channel, and a connected (peer, adopted id) pair.
fn setup() -> (Io, std_mpsc::Receiver<()>, TcpStream, u32) {
  let (mut io, woken) = new_io();
  let (peer, id) = connect(&mut io, Vec::new());
  (io, woken, peer, id)
}

/// An event as the tests look at it: kind, `b`, and the bytes it carries (if any).
type Seen = (u32, u32, Vec<u8>);

/// Collects events until `done` says so (bounded by 10 s).
fn collect(
  io: &mut Io,
  woken: &std_mpsc::Receiver<()>,
  done: impl Fn(&[Seen]) -> bool,
) -> Vec<Seen> {
  let deadline = Instant::now() + Duration::from_secs(10);
  let mut all = Vec::new();
  loop {
    let batch = io.take();
    for e in batch.events.chunks_exact(4) {
      let data = if carries_data(e[0]) {
        batch.data[e[2] as usize..(e[2] + e[3]) as usize].to_vec()
      } else {
        Vec::new()
      };
      all.push((e[0], e[3], data));
    }
    if done(&all) {
      return all;
    }
    assert!(
      Instant::now() < deadline,
      "timed out; events so far: {all:?}"
    );
    let _ = woken.recv_timeout(Duration::from_millis(100));
  }
}

/// The messages among `events`: (kind, payload).
fn messages(events: &[Seen]) -> Vec<(u32, Vec<u8>)> {
  events
    .iter()
    .filter(|e| e.0 == kind::TEXT || e.0 == kind::BINARY)
    .map(|e| (e.0, e.2.clone()))
    .collect()
}

/// Bytes of the messages' payloads among `events`.
fn message_bytes(events: &[Seen]) -> usize {
  messages(events).iter().map(|m| m.1.len()).sum()
}

#[test]
fn reads_writes_and_closes_in_order() {
  let (mut io, woken, mut peer, id) = setup();
  let hello = text(b"Hello");
  assert_eq!(hello, b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
  peer.write_all(&hello).unwrap();
  let events = collect(&mut io, &woken, |e| !messages(e).is_empty());
  assert_eq!(events, vec![(kind::TEXT, 5, b"Hello".to_vec())]);

  // Nothing is queued: both writes are made on this thread, and counted here.
  let now = io.write(id, b"wor".to_vec()).unwrap() + io.write(id, b"ld".to_vec()).unwrap();
  assert!(io.end(id));
  let mut got = Vec::new();
  peer.read_to_end(&mut got).unwrap(); // EOF after our shutdown
  assert_eq!(got, b"world");
  let events = collect(&mut io, &woken, |e| e.iter().any(|x| x.0 == kind::FINISHED));
  let written: u32 = events
    .iter()
    .filter(|e| e.0 == kind::WRITTEN)
    .map(|e| e.1)
    .sum();
  assert_eq!(now as u32 + written, 5);

  drop(peer);
  let events = collect(&mut io, &woken, |e| e.iter().any(|x| x.0 == kind::CLOSED));
  let kinds: Vec<u32> = events.iter().map(|e| e.0).collect();
  assert_eq!(kinds, vec![kind::END, kind::CLOSED]);
  assert!(io.is_empty());
  assert!(io.write(id, b"late".to_vec()).is_none());
}

#[test]
fn large_writes_arrive_whole_and_paused_connections_do_not_read() {
  let (mut io, woken, mut peer, id) = setup();
  let big: Vec<u8> = (0..4 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
  for part in big.chunks(100_000) {
    io.write(id, part.to_vec());
  }
  let mut got = vec![0; big.len()];
  peer.read_exact(&mut got).unwrap();
  assert!(got == big);

  io.pause(id, true);
  // Let the pause land before writing, then check nothing is read while paused.
  std::thread::sleep(Duration::from_millis(100));
  io.take();
  peer.write_all(&masked(0x82, b"queued")).unwrap();
  std::thread::sleep(Duration::from_millis(200));
  assert!(messages(&collect(&mut io, &woken, |_| true)).is_empty());
  io.pause(id, false);
  let events = collect(&mut io, &woken, |e| !messages(e).is_empty());
  assert_eq!(messages(&events), vec![(kind::BINARY, b"queued".to_vec())]);

  io.destroy(id);
  let events = collect(&mut io, &woken, |e| e.iter().any(|x| x.0 == kind::CLOSED));
  assert_eq!(events.last().unwrap().0, kind::CLOSED);
  let mut rest = Vec::new();
  assert_eq!(
    peer.read_to_end(&mut rest).map(|_| rest.len()).unwrap_or(0),
    0
  );
}

#[test]
fn writing_to_a_closed_peer_reports_an_error_then_closed() {
  let (mut io, woken, peer, id) = setup();
  drop(peer);
  collect(&mut io, &woken, |e| e.iter().any(|x| x.0 == kind::END));
  // The first write draws a reset from the peer's kernel; a later one fails.
  let mut kinds = Vec::new();
  for _ in 0..100 {
    io.write(id, vec![0; 1024]);
    let events = collect(&mut io, &woken, |_| true);
    kinds.extend(events.iter().map(|e| e.0));
    if kinds.contains(&kind::CLOSED) {
      break;
    }
    std::thread::sleep(Duration::from_millis(20));
  }
  let at = kinds
    .iter()
    .position(|&k| k == kind::ERROR)
    .unwrap_or_else(|| panic!("no error in {kinds:?}"));
  assert_eq!(&kinds[at..], &[kind::ERROR, kind::CLOSED]);
}

#[test]
fn adopting_a_bad_descriptor_fails() {
  let mut io = Io::new(|| {}).unwrap();
  assert!(io.adopt(-1, Vec::new(), server_decoder()).is_err());
}

#[test]
fn write_batch_frames_parts_and_keeps_raw_parts_as_they_are() {
  let (mut io, _woken, mut peer, id) = setup();
  let big = vec![9u8; 70_000];
  let mut data = b"rawhi".to_vec();
  data.extend_from_slice(&[7u8; 126]);
  data.extend_from_slice(&big);
  // raw "raw"; text "hi" (FIN); binary 126 bytes (FIN); continuation 70,000 bytes without FIN;
  // an unknown connection's part is skipped; a part past the end of data stops the batch.
  let parts = [
    id,
    0,
    3,
    id,
    0x181,
    2,
    id,
    0x182,
    126,
    id + 99,
    0x182,
    0,
    id,
    0x100,
    70_000,
    id,
    0,
    1,
  ];
  assert_eq!(io.write_batch(&parts, &data, &mut Vec::new()), 4);
  let mut expected = b"raw\x81\x02hi\x82\x7e\x00\x7e".to_vec();
  expected.extend_from_slice(&[7u8; 126]);
  expected.extend_from_slice(&[0x00, 0x7f, 0, 0, 0, 0, 0, 1, 0x11, 0x70]);
  expected.extend_from_slice(&big);
  let mut got = vec![0u8; expected.len()];
  peer.read_exact(&mut got).unwrap();
  assert_eq!(got, expected);
}

/// Reads one masked frame with a payload shorter than 126 bytes; returns (first byte, key,
/// unmasked payload).
fn read_masked(peer: &mut TcpStream) -> (u8, [u8; 4], Vec<u8>) {
  let mut head = [0u8; 6];
  peer.read_exact(&mut head).unwrap();
  assert_eq!(head[1] & 0x80, 0x80, "mask bit");
  let key = [head[2], head[3], head[4], head[5]];
  let mut payload = vec![0u8; (head[1] & 0x7f) as usize];
  peer.read_exact(&mut payload).unwrap();
  for (i, b) in payload.iter_mut().enumerate() {
    *b ^= key[i & 3];
  }
  (head[0], key, payload)
}

#[test]
fn masked_parts_get_a_fresh_key_each_in_batches_and_alone() {
  let (mut io, _woken, mut peer, id) = setup();
  let data = b"onetwo".to_vec();
  let parts = [
    id,
    HEAD_FRAME | HEAD_MASKED | 0x81,
    3,
    id,
    HEAD_FRAME | HEAD_MASKED | 0x82,
    3,
  ];
  assert_eq!(io.write_batch(&parts, &data, &mut Vec::new()), 2);
  assert!(io
    .write_part(id, HEAD_FRAME | HEAD_MASKED | 0x81, b"three")
    .is_some());
  let (a, key_a, one) = read_masked(&mut peer);
  let (b, key_b, two) = read_masked(&mut peer);
  let (c, key_c, three) = read_masked(&mut peer);
  assert_eq!((a, one.as_slice()), (0x81, &b"one"[..]));
  assert_eq!((b, two.as_slice()), (0x82, &b"two"[..]));
  assert_eq!((c, three.as_slice()), (0x81, &b"three"[..]));
  assert!(
    key_a != key_b && key_b != key_c,
    "keys repeat: {key_a:?} {key_b:?} {key_c:?}"
  );
}

#[test]
fn writes_made_now_and_queued_writes_keep_their_order_and_are_counted_once() {
  let (mut io, woken, mut peer, id) = setup();
  // The peer does not read yet: the first writes fill the socket buffers (made now, on this
  // thread, until the kernel refuses), the rest go to the I/O thread, in order.
  // 32 MiB: more than loopback's socket buffers take (a few MiB each way).
  let parts: Vec<Vec<u8>> = (0..64u32)
    .map(|n| {
      (0..512 * 1024u32)
        .map(|i| ((i * 7 + n) % 253) as u8)
        .collect()
    })
    .collect();
  let mut now = 0usize;
  let mut queued_any = false;
  for part in &parts {
    let mut written = Vec::new();
    let batch = [id, 0, part.len() as u32];
    assert_eq!(io.write_batch(&batch, part, &mut written), 1);
    let n = written.get(1).copied().unwrap_or(0) as usize;
    if !written.is_empty() {
      assert_eq!(written[0], 0, "index of the write's first part");
    }
    queued_any |= n < part.len();
    now += n;
  }
  assert!(now > 0, "the first write is made on the caller's thread");
  assert!(queued_any, "a full socket sends the rest to the I/O thread");
  let expected: Vec<u8> = parts.concat();
  let reader = std::thread::spawn(move || {
    let mut got = vec![0u8; expected.len()];
    peer.read_exact(&mut got).unwrap();
    (got == expected, peer)
  });
  let total = parts.iter().map(Vec::len).sum::<usize>();
  let events = collect(&mut io, &woken, |e| {
    let written: usize = e
      .iter()
      .filter(|x| x.0 == kind::WRITTEN)
      .map(|x| x.1 as usize)
      .sum();
    now + written >= total
  });
  let written: usize = events
    .iter()
    .filter(|x| x.0 == kind::WRITTEN)
    .map(|x| x.1 as usize)
    .sum();
  assert_eq!(now + written, total, "every byte counted once");
  let (in_order, _peer) = reader.join().unwrap();
  assert!(in_order, "bytes arrive in the order they were written");
  // With the queue written, the next write is made now again.
  let mut written = Vec::new();
  io.write_batch(&[id, 0, 5], b"again", &mut written);
  assert_eq!(written, vec![0, 5]);
}

#[test]
fn a_batch_reports_the_bytes_written_now_per_connection() {
  let (mut io, _woken, mut peer, id) = setup();
  let (mut peer2, id2) = connect(&mut io, Vec::new());
  // Two parts for the first connection (one write: 2 + 5 header and payload bytes), one
  // for the second, and one for an unknown id.
  let parts = [id, 0x182, 3, id, 0, 2, id2, 0, 4, id2 + 7, 0, 1];
  let mut written = Vec::new();
  assert_eq!(io.write_batch(&parts, b"abcdeWXYZ!", &mut written), 3);
  assert_eq!(written, vec![0, 7, 2, 4]);
  let mut got = [0u8; 7];
  peer.read_exact(&mut got).unwrap();
  assert_eq!(&got, b"\x82\x03abcde");
  let mut got2 = [0u8; 4];
  peer2.read_exact(&mut got2).unwrap();
  assert_eq!(&got2, b"WXYZ");
  // After end() the connection is never written directly again.
  assert!(io.end(id));
  let mut rest = Vec::new();
  peer.read_to_end(&mut rest).unwrap();
  assert!(rest.is_empty());
  let mut written = Vec::new();
  io.write_batch(&[id, 0, 4], b"late", &mut written);
  assert!(written.is_empty());
}

#[test]
fn large_parts_are_sent_from_the_callers_memory_and_the_rest_follows_in_order() {
  let (mut io, woken, mut peer, id) = setup();
  // More than the socket buffers take: part is written now, the rest copied for the task.
  let big: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| (i % 241) as u8).collect();
  let raw: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 239) as u8).collect();
  let now_big = io.write_part(id, HEAD_FRAME | 0x82, &big).unwrap();
  assert!(
    now_big > 0 && now_big < big.len() + 10,
    "written now: {now_big}"
  );
  // Queued behind the rest of the frame: nothing is written now.
  assert_eq!(io.write_part(id, 0, &raw), Some(0));
  let mut written = Vec::new();
  io.write_batch(&[id, HEAD_FRAME | 0x81, 2], b"ok", &mut written);
  assert!(written.is_empty());

  let mut expected = vec![0x82, 127, 0, 0, 0, 0, 0, 0xc0, 0, 0];
  expected.extend_from_slice(&big);
  expected.extend_from_slice(&raw);
  expected.extend_from_slice(b"\x81\x02ok");
  let total = expected.len();
  let reader = std::thread::spawn(move || {
    let mut got = vec![0u8; expected.len()];
    peer.read_exact(&mut got).unwrap();
    got == expected
  });
  let events = collect(&mut io, &woken, |e| {
    now_big
      + e
        .iter()
        .filter(|x| x.0 == kind::WRITTEN)
        .map(|x| x.1 as usize)
        .sum::<usize>()
      >= total
  });
  let queued: usize = events
    .iter()
    .filter(|x| x.0 == kind::WRITTEN)
    .map(|x| x.1 as usize)
    .sum();
  assert_eq!(now_big + queued, total);
  assert!(reader.join().unwrap(), "bytes arrive whole and in order");
}

#[test]
fn a_connection_is_not_read_past_its_inbox_share_until_the_embedder_takes() {
  let (mut io, woken, peer, _id) = setup();
  // 8 MiB of payload in 512 binary messages of 16 KiB, message n made of the byte n.
  const MESSAGE: usize = 16 * 1024;
  const COUNT: usize = 512;
  let total = MESSAGE * COUNT;
  let writer = std::thread::spawn(move || {
    let mut peer = peer;
    for n in 0..COUNT {
      peer.write_all(&masked(0x82, &[n as u8; MESSAGE])).unwrap();
    }
    peer // kept open until the end of the test
  });
  // What the inbox counts is decoded: payload bytes plus 16 per event. One read (64 KiB) may
  // pass the share by the payload it holds, plus the message it completes (read before), and
  // the events of the messages it ends.
  let past = 64 * 1024 + MESSAGE + EVENT_BYTES * (64 * 1024 / MESSAGE + 2);
  // Nobody takes: the inbox fills up to the connection's share (plus one read) and stops.
  std::thread::sleep(Duration::from_millis(300));
  let held = io.take_held_peak();
  assert!(held >= CONNECTION_INBOX_MAX, "held {held}");
  assert!(held <= CONNECTION_INBOX_MAX + past, "held {held}");
  std::thread::sleep(Duration::from_millis(200));
  assert_eq!(io.take_held_peak(), held, "read on without a take");
  // Taking lets it go on, share by share, until everything arrived, whole and in order.
  let events = collect(&mut io, &woken, |e| message_bytes(e) >= total);
  let got = messages(&events);
  assert_eq!(got.len(), COUNT);
  for (n, (kind, payload)) in got.iter().enumerate() {
    assert_eq!(*kind, kind::BINARY);
    assert!(
      payload.len() == MESSAGE && payload.iter().all(|&b| b == n as u8),
      "message {n}"
    );
  }
  assert!(io.take_held_peak() <= CONNECTION_INBOX_MAX + past);
  drop(writer.join().unwrap());
}

#[test]
fn bytes_read_before_the_hand_over_are_decoded_first() {
  let (mut io, woken) = new_io();
  // The first message and part of the second were read before the hand-over.
  let mut wire = text(b"first");
  wire.extend_from_slice(&masked(0x82, b"second"));
  let (mut peer, _id) = connect(&mut io, wire[..wire.len() - 3].to_vec());
  peer.write_all(&wire[wire.len() - 3..]).unwrap();
  let events = collect(&mut io, &woken, |e| messages(e).len() >= 2);
  assert_eq!(
    messages(&events),
    vec![
      (kind::TEXT, b"first".to_vec()),
      (kind::BINARY, b"second".to_vec())
    ]
  );
}
