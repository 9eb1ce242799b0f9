//! Frame vectors in hex, in the style of ws's `test/receiver.test.js`.

mod common;

use common::*;
use oxws::proto::{Config, Decoder, Masking, ProtocolError};

fn server() -> Decoder {
  Decoder::new(Config::server())
}

fn client() -> Decoder {
  Decoder::new(Config::client())
}

fn one(decoder: &mut Decoder, h: &str) -> Vec<Resolved> {
  decode_split(decoder, &hex(h), &[])
}

#[test]
fn unmasked_text_from_server() {
  assert_eq!(
    one(&mut client(), "810548656c6c6f"),
    vec![Resolved::Text(b"Hello".to_vec())]
  );
}

#[test]
fn masked_text_from_client() {
  assert_eq!(
    one(&mut server(), "818537fa213d7f9f4d5158"),
    vec![Resolved::Text(b"Hello".to_vec())]
  );
}

#[test]
fn fragmented_text() {
  assert_eq!(
    one(&mut client(), "010348656c 80026c6f"),
    vec![Resolved::Text(b"Hello".to_vec())]
  );
}

#[test]
fn ping_between_fragments() {
  let events = one(&mut client(), "010348656c 890548656c6c6f 80026c6f");
  assert_eq!(
    events,
    vec![
      Resolved::Ping(b"Hello".to_vec()),
      Resolved::Text(b"Hello".to_vec())
    ]
  );
}

#[test]
fn ping_pong_and_empty_frames() {
  assert_eq!(one(&mut client(), "8900"), vec![Resolved::Ping(vec![])]);
  assert_eq!(
    one(&mut client(), "8a0548656c6c6f"),
    vec![Resolved::Pong(b"Hello".to_vec())]
  );
  assert_eq!(
    one(&mut client(), "8100 8200"),
    vec![Resolved::Text(vec![]), Resolved::Binary(vec![])]
  );
}

#[test]
fn binary_16_and_64_bit_lengths() {
  let payload: Vec<u8> = (0..70000u32).map(|i| (i % 251) as u8).collect();
  let small = frame(0x82, &payload[..256], None);
  assert_eq!(
    decode_split(&mut client(), &small, &[]),
    vec![Resolved::Binary(payload[..256].to_vec())]
  );
  let big = frame(0x82, &payload, Some([1, 2, 3, 4]));
  assert_eq!(
    decode_split(&mut server(), &big, &[]),
    vec![Resolved::Binary(payload.clone())]
  );
}

#[test]
fn close_frames() {
  assert_eq!(
    one(&mut client(), "8800"),
    vec![Resolved::Close(1005, vec![])]
  );
  assert_eq!(
    one(&mut client(), "880203e8"),
    vec![Resolved::Close(1000, vec![])]
  );
  assert_eq!(
    one(&mut client(), "880503e8616263"),
    vec![Resolved::Close(1000, b"abc".to_vec())]
  );
  // Everything after a close frame is ignored.
  assert_eq!(
    one(&mut client(), "880203e8 810548656c6c6f"),
    vec![Resolved::Close(1000, vec![])]
  );
}

#[test]
fn all_zero_mask_is_accepted() {
  assert_eq!(
    one(&mut server(), "81850000000048656c6c6f"),
    vec![Resolved::Text(b"Hello".to_vec())]
  );
}

fn error(decoder: &mut Decoder, h: &str) -> ProtocolError {
  match one(decoder, h).pop() {
    Some(Resolved::Error(e)) => e,
    other => panic!("expected an error for {h}, got {other:?}"),
  }
}

#[test]
fn protocol_errors_with_ws_codes() {
  let cases: &[(&str, ProtocolError, &str, u16)] = &[
    (
      "a200",
      ProtocolError::UnexpectedRsv23(2),
      "WS_ERR_UNEXPECTED_RSV_2_3",
      1002,
    ),
    (
      "9200",
      ProtocolError::UnexpectedRsv23(1),
      "WS_ERR_UNEXPECTED_RSV_2_3",
      1002,
    ),
    (
      "c200",
      ProtocolError::UnexpectedRsv1(4),
      "WS_ERR_UNEXPECTED_RSV_1",
      1002,
    ),
    (
      "8000",
      ProtocolError::InvalidOpcode(0),
      "WS_ERR_INVALID_OPCODE",
      1002,
    ),
    (
      "8300",
      ProtocolError::InvalidOpcode(3),
      "WS_ERR_INVALID_OPCODE",
      1002,
    ),
    (
      "8b00",
      ProtocolError::InvalidOpcode(11),
      "WS_ERR_INVALID_OPCODE",
      1002,
    ),
    (
      "0100 8100",
      ProtocolError::InvalidOpcode(1),
      "WS_ERR_INVALID_OPCODE",
      1002,
    ),
    (
      "0900",
      ProtocolError::ExpectedFin(9),
      "WS_ERR_EXPECTED_FIN",
      1002,
    ),
    (
      "897e007e",
      ProtocolError::InvalidControlPayloadLength(126),
      "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH",
      1002,
    ),
    (
      "880100",
      ProtocolError::InvalidControlPayloadLength(1),
      "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH",
      1002,
    ),
    (
      "8880",
      ProtocolError::UnexpectedMask,
      "WS_ERR_UNEXPECTED_MASK",
      1002,
    ),
    (
      "827f8000000000000000",
      ProtocolError::PayloadLengthTooLarge,
      "WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH",
      1009,
    ),
    (
      "8101ff",
      ProtocolError::InvalidUtf8,
      "WS_ERR_INVALID_UTF8",
      1007,
    ),
    (
      "880203ed",
      ProtocolError::InvalidCloseCode(1005),
      "WS_ERR_INVALID_CLOSE_CODE",
      1002,
    ),
    (
      "880303e8ff",
      ProtocolError::InvalidUtf8,
      "WS_ERR_INVALID_UTF8",
      1007,
    ),
  ];
  for (h, expected, code, status) in cases {
    let e = error(&mut client(), h);
    assert_eq!(e, *expected, "{h}");
    assert_eq!(e.ws_code(), *code, "{h}");
    assert_eq!(e.close_code(), *status, "{h}");
  }
  assert_eq!(
    error(&mut server(), "810548656c6c6f"),
    ProtocolError::ExpectedMask
  );
}

#[test]
fn nothing_after_an_error() {
  let mut d = client();
  let events = one(&mut d, "8300 810548656c6c6f");
  assert_eq!(
    events,
    vec![Resolved::Error(ProtocolError::InvalidOpcode(3))]
  );
  assert!(d.is_failed());
  assert_eq!(one(&mut d, "810548656c6c6f"), vec![]);
}

#[test]
fn rsv1_allowed_with_deflate_only_on_first_frame() {
  let cfg = || Config::client().with_allowed_rsv(0x40);
  let mut d = Decoder::new(cfg());
  assert_eq!(
    one(&mut d, "c10548656c6c6f"),
    vec![Resolved::Compressed {
      binary: false,
      data: b"Hello".to_vec()
    }]
  );
  assert_eq!(
    error(&mut Decoder::new(cfg()), "4100 c000"),
    ProtocolError::UnexpectedRsv1(4)
  );
  assert_eq!(
    error(&mut Decoder::new(cfg()), "c900"),
    ProtocolError::UnexpectedRsv1(4)
  );
}

#[test]
fn max_payload_checked_at_the_header() {
  let mut d = Decoder::new(Config::client().with_max_payload(4));
  assert_eq!(one(&mut d, "8204").len(), 0); // needs more, no error yet: 4 <= 4
  let mut d = Decoder::new(Config::client().with_max_payload(4));
  assert_eq!(error(&mut d, "8205"), ProtocolError::MessageTooLarge);
  // Summed over fragments.
  let mut d = Decoder::new(Config::client().with_max_payload(4));
  assert_eq!(
    error(&mut d, "0203010203 8002"),
    ProtocolError::MessageTooLarge
  );
  assert_eq!(
    ProtocolError::MessageTooLarge.ws_code(),
    "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH"
  );
}

#[test]
fn max_fragments() {
  let mut d = Decoder::new(Config::client().with_max_fragments(3));
  assert_eq!(one(&mut d, "0100 0000 8000"), vec![Resolved::Text(vec![])]);
  let mut d = Decoder::new(Config::client().with_max_fragments(3));
  let e = error(&mut d, "0100 0000 0000 8000");
  assert_eq!(
    (e, e.ws_code(), e.close_code()),
    (
      ProtocolError::TooManyFragments,
      "WS_ERR_TOO_MANY_BUFFERED_PARTS",
      1008
    )
  );
}

#[test]
fn max_buffered_chunks() {
  let input = frame(0x82, &[7u8; 100], None);
  let mut d = Decoder::new(Config::client().with_max_buffered_chunks(10));
  let cuts: Vec<usize> = (1..input.len()).collect();
  let events = decode_split(&mut d, &input, &cuts);
  assert_eq!(
    events.last(),
    Some(&Resolved::Error(ProtocolError::TooManyBufferedChunks))
  );
  // Byte-sized chunks are fine when each frame completes within the limit.
  let mut d = Decoder::new(Config::client().with_max_buffered_chunks(10));
  let small = hex("8203010203");
  let cuts: Vec<usize> = (1..small.len()).collect();
  assert_eq!(
    decode_split(&mut d, &small, &cuts),
    vec![Resolved::Binary(vec![1, 2, 3])]
  );
}

#[test]
fn masking_optional() {
  let mut d = Decoder::new(Config::server().with_masking(Masking::Optional));
  assert_eq!(
    one(&mut d, "810548656c6c6f 818537fa213d7f9f4d5158"),
    vec![
      Resolved::Text(b"Hello".to_vec()),
      Resolved::Text(b"Hello".to_vec())
    ]
  );
}

#[test]
fn skip_utf8_validation() {
  let mut d = Decoder::new(Config::client().with_skip_utf8_validation(true));
  assert_eq!(one(&mut d, "8101ff"), vec![Resolved::Text(vec![0xff])]);
}

#[test]
fn invalid_utf8_fails_before_the_message_ends() {
  // Autobahn 6.4.x: a fragmented text message whose first fragment is already invalid fails
  // on that fragment, before the final one arrives.
  let mut d = client();
  let events = one(&mut d, "0104cebae1bd 0004f4908080");
  assert_eq!(events, vec![Resolved::Error(ProtocolError::InvalidUtf8)]);
  // And inside one frame whose payload is still arriving.
  let mut d = client();
  let partial = hex("810fcebae1bdb9cf83cebcceb5f4908080");
  let events = decode_split(&mut d, &partial[..15], &[]);
  assert_eq!(events, vec![Resolved::Error(ProtocolError::InvalidUtf8)]);
}

#[test]
fn a_code_point_split_across_fragments_is_accepted() {
  // "€" = e2 82 ac split over three fragments.
  assert_eq!(
    one(&mut client(), "0101e2 000182 8001ac"),
    vec![Resolved::Text(vec![0xe2, 0x82, 0xac])]
  );
}

#[test]
fn memory_held_is_bounded_by_bytes_for_tiny_fragments() {
  // 100 KiB message in 1-byte fragments: held memory grows with the bytes, not per fragment.
  let mut input = Vec::new();
  let n = 100 * 1024;
  for i in 0..n {
    let b0 = match (i, i == n - 1) {
      (0, _) => 0x02,
      (_, true) => 0x80,
      _ => 0x00,
    };
    input.extend(frame(b0, &[i as u8], Some([1, 2, 3, 4])));
  }
  let mut d = Decoder::new(Config::server().with_max_fragments(0));
  let mut chunk = input.clone();
  let mut events = Vec::new();
  let consumed = d.feed(&mut chunk, 0, &mut events).unwrap();
  assert_eq!(events.len(), 1);
  assert_eq!(consumed, input.len());
  let msg = d.take_message();
  assert_eq!(msg.len(), n);
  assert!(msg.capacity() <= 2 * n, "capacity {}", msg.capacity());
}

fn inflating(cfg: Config) -> Decoder {
  let mut d = Decoder::new(cfg);
  d.enable_inflate(15, false);
  d
}

#[test]
fn inflates_rfc7692_examples() {
  // §7.2.3.1 "Hello" in one compressed frame, then fragmented (§7.2.3.3).
  assert_eq!(
    one(&mut inflating(Config::client()), "c107f248cdc9c90700"),
    vec![Resolved::Text(b"Hello".to_vec())]
  );
  assert_eq!(
    one(&mut inflating(Config::client()), "4103f248cd 8004c9c90700"),
    vec![Resolved::Text(b"Hello".to_vec())]
  );
  // §7.2.3.2: context takeover, second message uses the window.
  assert_eq!(
    one(
      &mut inflating(Config::client()),
      "c107f248cdc9c90700 c105f200110000"
    ),
    vec![
      Resolved::Text(b"Hello".to_vec()),
      Resolved::Text(b"Hello".to_vec())
    ]
  );
  // Uncompressed messages still pass through on a deflate connection.
  assert_eq!(
    one(&mut inflating(Config::client()), "810548656c6c6f"),
    vec![Resolved::Text(b"Hello".to_vec())]
  );
}

#[test]
fn an_idle_connection_keeps_no_large_buffer_after_a_large_split_compressed_message() {
  // Incompressible 1 MiB, so the compressed frame is ~1 MiB and arrives in 64 KiB chunks (the
  // soak test found every connection holding its largest compressed frame).
  let mut state = 0x1234_5678u32;
  let data: Vec<u8> = (0..1 << 20)
    .map(|_| {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      state as u8
    })
    .collect();
  let mut compressed = Vec::new();
  oxws::proto::deflate::Deflater::new(6, 15, true).deflate(&data, true, &mut compressed);
  let input = frame(0xc2, &compressed, None);
  let cuts: Vec<usize> = (1..input.len() / 65536 + 1).map(|i| i * 65536).collect();
  let mut d = inflating(Config::client());
  let events = decode_split(&mut d, &input, &cuts);
  assert_eq!(events, vec![Resolved::Binary(data)]);
  assert!(
    d.retained_capacity() <= 64 * 1024,
    "kept {} bytes",
    d.retained_capacity()
  );
}

#[test]
fn inflated_size_is_limited_while_inflating() {
  // 1 MiB of zeros compresses to ~1 KiB; max_payload 64 KiB stops it.
  let mut compressed = Vec::new();
  oxws::proto::deflate::Deflater::new(9, 15, true).deflate(
    &vec![0u8; 1 << 20],
    true,
    &mut compressed,
  );
  let input = frame(0xc2, &compressed, None);
  let mut d = inflating(Config::client().with_max_payload(64 * 1024));
  let events = decode_split(&mut d, &input, &[]);
  assert_eq!(
    events,
    vec![Resolved::Error(ProtocolError::MessageTooLarge)]
  );
}

#[test]
fn corrupt_compressed_data_fails_with_1007() {
  let e = error(&mut inflating(Config::client()), "c105ffffffffff");
  assert_eq!(
    (e, e.ws_code(), e.close_code()),
    (ProtocolError::InvalidCompressedData, "Z_DATA_ERROR", 1007)
  );
}

#[test]
fn invalid_utf8_after_inflate_fails() {
  let mut compressed = Vec::new();
  oxws::proto::deflate::Deflater::new(6, 15, false).deflate(
    &[0x41, 0xff, 0x41],
    true,
    &mut compressed,
  );
  let input = frame(0xc1, &compressed, None);
  assert_eq!(
    decode_split(&mut inflating(Config::client()), &input, &[]),
    vec![Resolved::Error(ProtocolError::InvalidUtf8)]
  );
}

#[test]
fn compressed_messages_split_anywhere_give_the_same_events() {
  let text = "compress me ".repeat(500);
  let mut def = oxws::proto::deflate::Deflater::new(6, 15, false);
  let mut input = Vec::new();
  for i in 0..3 {
    let mut c = Vec::new();
    def.deflate(format!("{text}{i}").as_bytes(), true, &mut c);
    // Split each message into two fragments: RSV1 only on the first.
    let (a, b) = c.split_at(c.len() / 2);
    input.extend(frame(0x41, a, Some([1, 2, 3, 4])));
    input.extend(frame(0x80, b, Some([5, 6, 7, 8])));
  }
  let whole = decode_split(&mut inflating(Config::server()), &input, &[]);
  assert_eq!(whole.len(), 3);
  assert_eq!(whole[2], Resolved::Text(format!("{text}2").into_bytes()));
  for cut in (0..input.len()).step_by(7) {
    assert_eq!(
      decode_split(&mut inflating(Config::server()), &input, &[cut]),
      whole,
      "cut {cut}"
    );
  }
}

#[test]
fn a_failed_decoder_stays_silent_after_too_many_chunks() {
  // Found by fuzzing: the chunk limit was checked before the failed state.
  let mut d = Decoder::new(Config::client().with_max_buffered_chunks(1));
  assert_eq!(decode_split(&mut d, &[0x81], &[]), vec![]);
  assert_eq!(
    decode_split(&mut d, &[0x05], &[]),
    vec![Resolved::Error(ProtocolError::TooManyBufferedChunks)]
  );
  let mut chunk = b"Hello".to_vec();
  let mut events = Vec::new();
  assert_eq!(d.feed(&mut chunk, 0, &mut events), Ok(5));
  assert!(events.is_empty());
}

#[test]
fn a_bfinal_block_does_not_end_the_connection_s_inflation() {
  // RFC 7692 §7.2.3.5 allows BFINAL; the next message starts a new stream.
  let mut d = inflating(Config::client());
  assert_eq!(
    one(&mut d, "c107f348cdc9c90700 c107f248cdc9c90700"),
    vec![
      Resolved::Text(b"Hello".to_vec()),
      Resolved::Text(b"Hello".to_vec())
    ]
  );
}

#[test]
fn lenient_close_reads_close_frames_as_websocket_driver() {
  let lenient = || Decoder::new(Config::client().with_lenient_close(true));
  // Code 1005 may not appear on the wire; an invalid UTF-8 reason; a 1-byte payload; 1012
  // (valid in RFC 6455's registry, not in websocket-driver's list); a reason kept with a bad
  // code; 3000-4999.
  for (h, code, reason) in [
    ("8802 03ed", 1002, ""),
    ("8803 03e8 ff", 1002, ""),
    ("8801 03", 1002, ""),
    ("8800", 1000, ""),
    ("8802 03f4", 1002, ""),
    ("8804 03ed 4f4b", 1002, "4f4b"),
    ("8804 03e9 4f4b", 1001, "4f4b"),
    ("8802 0bb8", 3000, ""),
    ("8802 03f2", 1010, ""),
  ] {
    assert_eq!(
      one(&mut lenient(), h),
      vec![Resolved::Close(code, hex(reason))],
      "{h}"
    );
  }
  // Still an error without it.
  assert_eq!(
    error(&mut client(), "8802 03ed"),
    ProtocolError::InvalidCloseCode(1005)
  );
}
