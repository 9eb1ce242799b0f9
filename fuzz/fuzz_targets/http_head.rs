//! The handshake's HTTP head parser on any bytes, split at any point: never panics, never
//! holds more than its maximum, reports a body offset inside the last chunk, gives the same
//! head whatever the split, and only accepts heads whose fields are well formed.
//! Byte 0: bit 0 = response (else request), bits 1-7 = split point (modulo length); byte 1
//! picks the maximum (64..=16383 bytes).
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxws::proto::http::{HeadKind, HeadParser};

fuzz_target!(|data: &[u8]| {
  let [flags, max, input @ ..] = data else {
    return;
  };
  let kind = if flags & 1 != 0 {
    HeadKind::Response
  } else {
    HeadKind::Request
  };
  let max_bytes = 64 + (*max as usize) * 64;
  let cut = if input.is_empty() {
    0
  } else {
    (*flags as usize >> 1) % (input.len() + 1)
  };

  let whole = HeadParser::new(kind, max_bytes).feed(input);

  let mut parser = HeadParser::new(kind, max_bytes);
  let split = match parser.feed(&input[..cut]) {
    Ok(Some((head, at))) => {
      assert!(at <= cut);
      Ok(Some((head, at)))
    }
    Ok(None) => {
      assert!(parser.buffered_bytes() <= max_bytes);
      parser
        .feed(&input[cut..])
        .map(|r| r.map(|(head, at)| (head, cut + at)))
    }
    Err(e) => Err(e),
  };

  if let Ok(Some((head, at))) = &whole {
    assert!(*at <= input.len());
    assert!(*at <= max_bytes);
    for (name, value) in &head.headers {
      assert!(!name.is_empty());
      assert!(!name.contains(':') && !name.contains(' '));
      assert!(!value.contains('\n') && !value.contains('\r'));
      assert_eq!(value.trim_matches([' ', '\t']), value);
    }
    match kind {
      HeadKind::Request => assert!(!head.method.is_empty() && !head.target.is_empty()),
      HeadKind::Response => assert!(head.status <= 999),
    }
  }
  // The split only matters for where the head ends: same result either way (a head that
  // fits is found; an oversized one is refused).
  match (&whole, &split) {
    (Ok(Some(a)), Ok(Some(b))) => assert_eq!(a, b),
    (Err(a), Err(b)) => assert_eq!(a, b),
    (Ok(None), Ok(None)) => {}
    (a, b) => panic!("whole {a:?} vs split at {cut} {b:?}"),
  }
});
