//! UTF-8 validation: whole buffers with simdutf8, and an incremental validator for text
//! that arrives in pieces (fragments and TCP chunks) that fails as soon as an invalid
//! sequence is seen, while accepting a code point split across pieces.

use simdutf8::compat::from_utf8;

/// Whether `bytes` is entirely valid UTF-8 (SIMD accelerated).
#[inline]
pub fn is_valid(bytes: &[u8]) -> bool {
  simdutf8::basic::from_utf8(bytes).is_ok()
}

/// Incremental validator. Feed pieces in order with [`Utf8Validator::feed`], then call
/// [`Utf8Validator::finish`] at the end of the message. Holds at most 3 pending bytes.
#[derive(Debug, Default, Clone)]
pub struct Utf8Validator {
  pending: [u8; 4],
  pending_len: usize,
}

/// The input is not valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidUtf8;

/// Length of the sequence introduced by lead byte `b` (0 when `b` cannot lead).
fn sequence_len(b: u8) -> usize {
  match b {
    0x00..=0x7f => 1,
    0xc2..=0xdf => 2,
    0xe0..=0xef => 3,
    0xf0..=0xf4 => 4,
    _ => 0,
  }
}

impl Utf8Validator {
  /// A validator at the start of a message.
  pub fn new() -> Self {
    Self::default()
  }

  /// Forgets any pending partial sequence (start of a new message).
  pub fn reset(&mut self) {
    self.pending_len = 0;
  }

  /// Validates the next piece. Fails as soon as a byte makes the text invalid, even if the
  /// sequence it belongs to is not complete yet; a valid prefix at the end is kept pending.
  pub fn feed(&mut self, mut bytes: &[u8]) -> Result<(), InvalidUtf8> {
    if self.pending_len > 0 {
      // Complete the pending sequence byte by byte.
      let need = sequence_len(self.pending[0]);
      while self.pending_len < need && !bytes.is_empty() {
        self.pending[self.pending_len] = bytes[0];
        self.pending_len += 1;
        bytes = &bytes[1..];
      }
      match from_utf8(&self.pending[..self.pending_len]) {
        Ok(_) => self.pending_len = 0,
        Err(e) if e.error_len().is_none() => return Ok(()), // still a valid prefix, input ended
        Err(_) => return Err(InvalidUtf8),
      }
    }
    match from_utf8(bytes) {
      Ok(_) => Ok(()),
      Err(e) => match e.error_len() {
        Some(_) => Err(InvalidUtf8),
        None => {
          let tail = &bytes[e.valid_up_to()..];
          self.pending[..tail.len()].copy_from_slice(tail);
          self.pending_len = tail.len();
          Ok(())
        }
      },
    }
  }

  /// Ends the message: fails if a sequence is left incomplete. Resets for the next message.
  pub fn finish(&mut self) -> Result<(), InvalidUtf8> {
    let incomplete = self.pending_len > 0;
    self.pending_len = 0;
    if incomplete {
      Err(InvalidUtf8)
    } else {
      Ok(())
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn feed_split(bytes: &[u8], cuts: &[usize]) -> Result<(), InvalidUtf8> {
    let mut v = Utf8Validator::new();
    let mut start = 0;
    for &c in cuts {
      v.feed(&bytes[start..c])?;
      start = c;
    }
    v.feed(&bytes[start..])?;
    v.finish()
  }

  #[test]
  fn whole_buffers() {
    assert!(is_valid(b""));
    assert!(is_valid("Hello-µ@ßöäüàá-UTF-8!!".as_bytes()));
    assert!(!is_valid(&[
      0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80
    ]));
    assert!(!is_valid(&[0xf4, 0x90, 0x80, 0x80]));
    assert!(!is_valid(&[0xc0, 0x80]));
  }

  #[test]
  fn every_split_of_valid_text_is_accepted() {
    let text = "κόσμε 𝄞 añb €".as_bytes();
    for a in 0..=text.len() {
      for b in a..=text.len() {
        assert_eq!(feed_split(text, &[a, b]), Ok(()), "cuts {a} {b}");
      }
    }
  }

  #[test]
  fn every_split_of_invalid_text_is_rejected() {
    let samples: &[&[u8]] = &[
      &[0xce, 0xba, 0xed, 0xa0, 0x80, 0x41],
      &[0x41, 0xf4, 0x90, 0x80, 0x80],
      &[0xe0, 0x80, 0x80],
      &[0x41, 0xff],
      &[0xf0, 0x9d, 0x84],
    ];
    for s in samples {
      for a in 0..=s.len() {
        assert_eq!(feed_split(s, &[a]), Err(InvalidUtf8), "{s:?} cut {a}");
      }
    }
  }

  #[test]
  fn fails_fast_on_a_bad_prefix() {
    // Autobahn 6.4.x: the error must be seen before the rest of the message arrives.
    let mut v = Utf8Validator::new();
    assert_eq!(
      v.feed(&[0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5]),
      Ok(())
    );
    assert_eq!(v.feed(&[0xf4]), Ok(()));
    assert_eq!(v.feed(&[0x90]), Err(InvalidUtf8));
    let mut v = Utf8Validator::new();
    assert_eq!(v.feed(&[0xed]), Ok(()));
    assert_eq!(v.feed(&[0xa0]), Err(InvalidUtf8));
  }

  #[test]
  fn matches_std_on_all_short_sequences() {
    for a in 0..=255u8 {
      for b in [0x00u8, 0x41, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xff] {
        for c in [0x80u8, 0xbf, 0x41] {
          let bytes = [a, b, c];
          let std_ok = std::str::from_utf8(&bytes).is_ok();
          for cut in 0..=3 {
            assert_eq!(
              feed_split(&bytes, &[cut]).is_ok(),
              std_ok,
              "{bytes:?} cut {cut}"
            );
          }
        }
      }
    }
  }
}
