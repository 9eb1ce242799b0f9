//! The handshake list-header scanners and the hixie-76 key number on any input: never panic,
//! run in linear time (libFuzzer's timeout), report tokens that are in bounds, in order and made
//! of the characters their grammar allows, and re-scan their own canonical rendering to the same
//! tokens. The key number is checked against a 128-bit reference.
//! Byte 0 picks the scanner; the rest is read as UTF-16 code units: bytes below 0xF0 are one
//! ASCII/latin1 unit each, a byte from 0xF0 takes the next byte as a unit above 0xFF.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxws::proto::header_list::*;

fn units(data: &[u8]) -> Vec<u16> {
  let mut out = Vec::with_capacity(data.len());
  let mut it = data.iter();
  while let Some(&b) = it.next() {
    if b >= 0xf0 {
      out.push(0x100 + u16::from(*it.next().unwrap_or(&0)) * 0x10 + u16::from(b & 0x0f));
    } else {
      out.push(u16::from(b));
    }
  }
  out
}

/// The tokens as `(kind, text)`, after checking bounds and order.
fn texts(header: &[u16], tokens: &[u32]) -> Vec<(u32, Vec<u16>)> {
  assert_eq!(tokens.len() % 3, 0);
  let mut last_end = 0;
  tokens
    .chunks(3)
    .map(|t| {
      let (kind, start, end) = (t[0], t[1] as usize, t[2] as usize);
      assert!(start <= end && end <= header.len(), "token out of bounds");
      assert!(start >= last_end, "tokens overlap or go backwards");
      last_end = end;
      (kind, header[start..end].to_vec())
    })
    .collect()
}

/// ws's unescaping (every backslash dropped) or websocket-extensions' (an escaped backslash too).
fn unescape(v: &[u16], driver: bool) -> Vec<u16> {
  let mut out = Vec::new();
  let mut i = 0;
  while i < v.len() {
    if v[i] == 0x5c && driver {
      if let Some(&next) = v.get(i + 1) {
        if next != 0x5c {
          out.push(next);
        }
      }
      i += 2;
    } else {
      if v[i] != 0x5c {
        out.push(v[i]);
      }
      i += 1;
    }
  }
  out
}

/// Characters a quoted value must escape: the quote, the backslash, and the controls that
/// websocket-extensions refuses bare (an escaped one is kept).
fn needs_escape(c: u16) -> bool {
  matches!(c, 0x22 | 0x5c | 0..=0x08 | 0x0a..=0x1f | 0x7f)
}

/// Renders extension tokens canonically: `name; flag; key=value, name2` with every value quoted
/// by the driver grammar, or as a token by ws's (whose values are all token characters).
fn render(tokens: &[(u32, Vec<u16>)], driver: bool) -> (Vec<u16>, Vec<(u32, Vec<u16>)>) {
  let mut out: Vec<u16> = Vec::new();
  let mut expected = Vec::new();
  for (kind, text) in tokens {
    match *kind {
      TOKEN_EXTENSION => {
        if !out.is_empty() {
          out.extend(", ".encode_utf16());
        }
        out.extend(text);
        expected.push((TOKEN_EXTENSION, text.clone()));
      }
      TOKEN_FLAG | TOKEN_PARAM => {
        out.extend("; ".encode_utf16());
        out.extend(text);
        expected.push((*kind, text.clone()));
      }
      _ => {
        let value = if *kind == TOKEN_ESCAPED_VALUE {
          unescape(text, driver)
        } else {
          text.clone()
        };
        out.push(u16::from(b'='));
        if driver {
          out.push(u16::from(b'"'));
          let mut inner = Vec::new();
          for &c in &value {
            if needs_escape(c) {
              inner.push(0x5c);
            }
            inner.push(c);
          }
          out.extend(&inner);
          out.push(u16::from(b'"'));
          let escaped = value.iter().any(|&c| needs_escape(c));
          let kind = if escaped {
            TOKEN_ESCAPED_VALUE
          } else {
            TOKEN_VALUE
          };
          expected.push((kind, inner));
        } else {
          out.extend(&value);
          expected.push((TOKEN_VALUE, value));
        }
      }
    }
  }
  (out, expected)
}

fn reference_key_number(key: &[u16]) -> Option<u32> {
  let digits: Vec<u8> = key
    .iter()
    .filter(|c| (0x30..=0x39).contains(*c))
    .map(|&c| (c - 0x30) as u8)
    .collect();
  let spaces = key.iter().filter(|&&c| c == 0x20).count() as u128;
  let significant: Vec<u8> = digits.iter().copied().skip_while(|&d| d == 0).collect();
  if significant.len() > 30 {
    return None;
  }
  let number = significant
    .iter()
    .fold(0u128, |n, &d| n * 10 + u128::from(d));
  if number == 0 || spaces == 0 || number % spaces != 0 {
    return None;
  }
  u32::try_from(number / spaces).ok()
}

fuzz_target!(|data: &[u8]| {
  let Some((&which, rest)) = data.split_first() else {
    return;
  };
  let header = units(rest);
  let mut tokens = Vec::new();
  match which % 4 {
    0 | 1 => {
      let driver = which % 4 == 1;
      let scan = if driver {
        scan_driver_extensions
      } else {
        scan_ws_extensions
      };
      if scan(&header, &mut tokens).is_err() {
        return;
      }
      let found = texts(&header, &tokens);
      for (i, (kind, text)) in found.iter().enumerate() {
        match *kind {
          TOKEN_EXTENSION | TOKEN_FLAG | TOKEN_PARAM => {
            assert!(!text.is_empty() && text.iter().all(|&c| is_token_char(c)));
          }
          TOKEN_VALUE | TOKEN_ESCAPED_VALUE => {
            assert_eq!(found[i - 1].0, TOKEN_PARAM, "a value follows its name");
            if !driver {
              assert!(text.iter().all(|&c| is_token_char(c) || c == 0x5c));
            }
          }
          other => panic!("unexpected token kind {other}"),
        }
        if *kind == TOKEN_PARAM {
          assert!(matches!(
            found.get(i + 1),
            Some((TOKEN_VALUE | TOKEN_ESCAPED_VALUE, _))
          ));
        }
      }
      assert!(found.is_empty() || found[0].0 == TOKEN_EXTENSION);
      if found.is_empty() {
        assert!(driver && header.is_empty());
        return;
      }
      let (canonical, expected) = render(&found, driver);
      let mut again = Vec::new();
      scan(&canonical, &mut again).expect("the canonical rendering scans");
      assert_eq!(texts(&canonical, &again), expected);
    }
    2 => {
      if scan_subprotocols(&header, &mut tokens).is_err() {
        return;
      }
      let found = texts(&header, &tokens);
      assert!(!found.is_empty());
      for (i, (kind, text)) in found.iter().enumerate() {
        assert_eq!(*kind, TOKEN_PROTOCOL);
        assert!(!text.is_empty() && text.iter().all(|&c| is_token_char(c)));
        assert!(
          found[..i].iter().all(|(_, t)| t != text),
          "duplicates are refused"
        );
      }
    }
    _ => assert_eq!(hixie76_key_number(&header), reference_key_number(&header)),
  }
});
