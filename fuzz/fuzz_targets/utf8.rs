//! Differential: `utf8::is_valid` (simdutf8) and the incremental `Utf8Validator` against
//! `std::str::from_utf8`.
//!
//! Input: byte 0 bits 0-3 the number N of piece lengths; N bytes of piece lengths (cycled;
//! 0 = an empty piece); the rest is the text. After each piece the validator must fail
//! exactly when the bytes so far contain an invalid sequence (fail fast, but accept a valid
//! prefix of a code point at the end); `finish` must then agree with std on the whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxws::proto::utf8::{is_valid, Utf8Validator};

/// std's verdict on a prefix: `Some(false)` invalid, `Some(true)` valid, `None` valid but
/// ending inside a code point.
fn std_prefix(bytes: &[u8]) -> Option<bool> {
  match std::str::from_utf8(bytes) {
    Ok(_) => Some(true),
    Err(e) if e.error_len().is_none() => None,
    Err(_) => Some(false),
  }
}

fuzz_target!(|data: &[u8]| {
  let Some((&head, rest)) = data.split_first() else {
    return;
  };
  let n = usize::from(head & 15).min(rest.len());
  let (lens, text) = rest.split_at(n);
  let std_ok = std::str::from_utf8(text).is_ok();

  assert_eq!(is_valid(text), std_ok, "is_valid {text:02x?}");

  let mut v = Utf8Validator::new();
  let mut pos = 0;
  let mut i = 0;
  let mut empty_run = 0;
  let mut failed = false;
  while pos < text.len() {
    let len = if lens.is_empty() || empty_run > lens.len() {
      text.len() - pos
    } else {
      usize::from(lens[i % lens.len()]).min(text.len() - pos)
    };
    i += 1;
    empty_run = if len == 0 { empty_run + 1 } else { 0 };
    let r = v.feed(&text[pos..pos + len]);
    pos += len;
    let prefix_invalid = std_prefix(&text[..pos]) == Some(false);
    assert_eq!(
      r.is_err(),
      prefix_invalid,
      "feed verdict after {pos} bytes of {text:02x?}"
    );
    if r.is_err() {
      failed = true;
      break;
    }
  }
  if !failed {
    assert_eq!(v.finish().is_ok(), std_ok, "finish {text:02x?}");
  }

  // finish() and reset() leave the validator ready for a new message.
  let mut v = Utf8Validator::new();
  let _ = v.feed(&text[..text.len().min(3)]);
  v.reset();
  let whole = v.feed(text).and_then(|_| v.finish());
  assert_eq!(whole.is_ok(), std_ok, "after reset {text:02x?}");
  let again = v.feed(text).and_then(|_| v.finish());
  assert_eq!(again.is_ok(), std_ok, "after finish {text:02x?}");
});
