//! Scanners for the list-valued handshake headers a peer sends: `Sec-WebSocket-Extensions`
//! (with ws 8's grammar and with websocket-extensions 0.2's), `Sec-WebSocket-Protocol`, and
//! hixie-76's `Sec-WebSocket-Key1/2` numbers.
//!
//! Input is UTF-16 code units (what a JS string holds), so every index reported is the JS
//! string index. Each scanner runs once over its input (linear time, no backtracking: ws
//! CVE-2021-32640 and websocket-extensions CVE-2020-7662 were regular expressions) and writes a
//! flat token stream of `(kind, start, end)` triples; the JS side slices the names out of the
//! string it already holds and builds its objects from them.

use std::collections::HashSet;

/// An extension name: a new offer starts (its parameters follow).
pub const TOKEN_EXTENSION: u32 = 0;
/// A parameter without a value (`true` in both libraries).
pub const TOKEN_FLAG: u32 = 1;
/// A parameter name; its value is the next token.
pub const TOKEN_PARAM: u32 = 2;
/// A parameter value to use as it is.
pub const TOKEN_VALUE: u32 = 3;
/// A parameter value that still holds quoted-pair backslashes (the caller's grammar says how to
/// remove them: ws drops every backslash, websocket-extensions keeps an escaped backslash out too).
pub const TOKEN_ESCAPED_VALUE: u32 = 4;
/// One subprotocol name.
pub const TOKEN_PROTOCOL: u32 = 5;

/// Why a header was refused, with ws's wording in mind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListError {
  /// `Unexpected character at index N`.
  UnexpectedCharacter(usize),
  /// `Unexpected end of input`.
  UnexpectedEnd,
  /// A subprotocol named twice: the range of the second occurrence.
  Duplicate(usize, usize),
  /// websocket-extensions' single error (`Invalid Sec-WebSocket-Extensions header`).
  Invalid,
}

const SPACE: u16 = 0x20;
const TAB: u16 = 0x09;
const SEMICOLON: u16 = 0x3b;
const COMMA: u16 = 0x2c;
const EQUALS: u16 = 0x3d;
const QUOTE: u16 = 0x22;
const BACKSLASH: u16 = 0x5c;

/// RFC 7230 `tchar`.
pub fn is_token_char(c: u16) -> bool {
  matches!(c,
    0x21 | 0x23..=0x27 | 0x2a | 0x2b | 0x2d | 0x2e | 0x30..=0x39 | 0x41..=0x5a | 0x5e..=0x7a | 0x7c | 0x7e)
}

fn is_space(c: u16) -> bool {
  c == SPACE || c == TAB
}

fn push(out: &mut Vec<u32>, kind: u32, start: usize, end: usize) {
  out.extend_from_slice(&[kind, start as u32, end as u32]);
}

/// Scans a `Sec-WebSocket-Extensions` value with ws 8.23's grammar and errors (its
/// `extension.parse`): tokens, optional white space, `;` parameters, `=` values that are
/// tokens or quoted strings of token characters with backslash escapes.
///
/// Tokens: `EXTENSION` (then its parameters as `FLAG`, or `PARAM` followed by `VALUE` /
/// `ESCAPED_VALUE`), in header order. Header lengths are bounded by the HTTP parser, far below
/// `u32::MAX`.
pub fn scan_ws_extensions(header: &[u16], out: &mut Vec<u32>) -> Result<(), ListError> {
  let mut in_extension = false; // its name is complete: reading its parameters
  let mut in_value = false; // a parameter's `=` was read
  let mut must_unescape = false;
  let mut is_escaping = false;
  let mut in_quotes = false;
  let mut start: Option<usize> = None;
  let mut end: Option<usize> = None;
  let mut last = None;

  for (i, &code) in header.iter().enumerate() {
    last = Some(code);
    if !in_extension {
      if end.is_none() && is_token_char(code) {
        start.get_or_insert(i);
      } else if i != 0 && is_space(code) {
        if end.is_none() && start.is_some() {
          end = Some(i);
        }
      } else if code == SEMICOLON || code == COMMA {
        let s = start.ok_or(ListError::UnexpectedCharacter(i))?;
        push(out, TOKEN_EXTENSION, s, end.unwrap_or(i));
        in_extension = code == SEMICOLON;
        start = None;
        end = None;
      } else {
        return Err(ListError::UnexpectedCharacter(i));
      }
    } else if !in_value {
      if end.is_none() && is_token_char(code) {
        start.get_or_insert(i);
      } else if is_space(code) {
        if end.is_none() && start.is_some() {
          end = Some(i);
        }
      } else if code == SEMICOLON || code == COMMA {
        let s = start.ok_or(ListError::UnexpectedCharacter(i))?;
        push(out, TOKEN_FLAG, s, end.unwrap_or(i));
        in_extension = code == SEMICOLON;
        start = None;
        end = None;
      } else if code == EQUALS && start.is_some() && end.is_none() {
        push(out, TOKEN_PARAM, start.unwrap_or(i), i);
        in_value = true;
        start = None;
      } else {
        return Err(ListError::UnexpectedCharacter(i));
      }
    } else if is_escaping {
      if !is_token_char(code) {
        return Err(ListError::UnexpectedCharacter(i));
      }
      if start.is_none() {
        start = Some(i);
      } else {
        must_unescape = true;
      }
      is_escaping = false;
    } else if in_quotes {
      if is_token_char(code) {
        start.get_or_insert(i);
      } else if code == QUOTE && start.is_some() {
        in_quotes = false;
        end = Some(i);
      } else if code == BACKSLASH {
        is_escaping = true;
      } else {
        return Err(ListError::UnexpectedCharacter(i));
      }
    } else if code == QUOTE && i > 0 && header[i - 1] == EQUALS {
      in_quotes = true;
    } else if end.is_none() && is_token_char(code) {
      start.get_or_insert(i);
    } else if start.is_some() && is_space(code) {
      end.get_or_insert(i);
    } else if code == SEMICOLON || code == COMMA {
      let s = start.ok_or(ListError::UnexpectedCharacter(i))?;
      let kind = if must_unescape {
        TOKEN_ESCAPED_VALUE
      } else {
        TOKEN_VALUE
      };
      push(out, kind, s, end.unwrap_or(i));
      must_unescape = false;
      in_value = false;
      in_extension = code == SEMICOLON;
      start = None;
      end = None;
    } else {
      return Err(ListError::UnexpectedCharacter(i));
    }
  }

  let s = match start {
    Some(s) if !in_quotes && !last.is_some_and(is_space) => s,
    _ => return Err(ListError::UnexpectedEnd),
  };
  let e = end.unwrap_or(header.len());
  if !in_extension {
    push(out, TOKEN_EXTENSION, s, e);
  } else if !in_value {
    push(out, TOKEN_FLAG, s, e);
  } else {
    push(
      out,
      if must_unescape {
        TOKEN_ESCAPED_VALUE
      } else {
        TOKEN_VALUE
      },
      s,
      e,
    );
  }
  Ok(())
}

/// Scans a `Sec-WebSocket-Protocol` value with ws 8.23's grammar and errors (its
/// `subprotocol.parse`): comma-separated tokens with optional white space around the commas;
/// a name given twice is refused. Tokens: `PROTOCOL` each.
pub fn scan_subprotocols(header: &[u16], out: &mut Vec<u32>) -> Result<(), ListError> {
  let mut seen: HashSet<&[u16]> = HashSet::new();
  let mut add = |out: &mut Vec<u32>, s: usize, e: usize| {
    if !seen.insert(&header[s..e]) {
      return Err(ListError::Duplicate(s, e));
    }
    push(out, TOKEN_PROTOCOL, s, e);
    Ok(())
  };
  let mut start: Option<usize> = None;
  let mut end: Option<usize> = None;

  for (i, &code) in header.iter().enumerate() {
    if end.is_none() && is_token_char(code) {
      start.get_or_insert(i);
    } else if i != 0 && is_space(code) {
      if end.is_none() && start.is_some() {
        end = Some(i);
      }
    } else if code == COMMA {
      let s = start.ok_or(ListError::UnexpectedCharacter(i))?;
      add(out, s, end.unwrap_or(i))?;
      start = None;
      end = None;
    } else {
      return Err(ListError::UnexpectedCharacter(i));
    }
  }

  match (start, end) {
    (Some(s), None) => add(out, s, header.len()),
    _ => Err(ListError::UnexpectedEnd),
  }
}

/// A cursor for websocket-extensions' grammar.
struct Scanner<'a> {
  s: &'a [u16],
  i: usize,
}

impl Scanner<'_> {
  fn at(&self, i: usize) -> Option<u16> {
    self.s.get(i).copied()
  }

  /// LWS: spaces, tabs, and CRLF followed by a space or tab.
  fn skip_space(&mut self) {
    loop {
      match self.at(self.i) {
        Some(SPACE | TAB) => self.i += 1,
        Some(0x0d)
          if self.at(self.i + 1) == Some(0x0a) && self.at(self.i + 2).is_some_and(is_space) =>
        {
          self.i += 3
        }
        _ => return,
      }
    }
  }

  fn token(&mut self) -> Option<(usize, usize)> {
    let start = self.i;
    while self.at(self.i).is_some_and(is_token_char) {
      self.i += 1;
    }
    (self.i > start).then_some((start, self.i))
  }

  /// A quoted string: the range inside the quotes, and whether it holds backslashes.
  fn quoted(&mut self) -> Option<(usize, usize, bool)> {
    if self.at(self.i) != Some(QUOTE) {
      return None;
    }
    let start = self.i + 1;
    let mut i = start;
    let mut escaped = false;
    loop {
      let c = self.at(i)?;
      match c {
        QUOTE => break,
        BACKSLASH => {
          if self.at(i + 1)? > 0x7f {
            return None;
          }
          escaped = true;
          i += 2;
        }
        0..=0x08 | 0x0a..=0x1f | 0x7f => return None,
        _ => i += 1,
      }
    }
    self.i = i + 1;
    Some((start, i, escaped))
  }

  /// Consumes LWS, `char`, LWS when `char` comes next (else moves nothing).
  fn separator(&mut self, char: u16) -> bool {
    let at = self.i;
    self.skip_space();
    if self.at(self.i) == Some(char) {
      self.i += 1;
      self.skip_space();
      true
    } else {
      self.i = at;
      false
    }
  }
}

/// Scans a `Sec-WebSocket-Extensions` value with websocket-extensions 0.2's grammar
/// (`Parser.parseHeader`): like RFC 6455 §9.1 with linear white space (including folded lines)
/// around `,` `;` `=`, and quoted values of any printable character. An empty header has no
/// offers. Tokens as for [`scan_ws_extensions`]; quoted values come as `ESCAPED_VALUE` (the
/// range inside the quotes) when they hold a backslash.
pub fn scan_driver_extensions(header: &[u16], out: &mut Vec<u32>) -> Result<(), ListError> {
  if header.is_empty() {
    return Ok(());
  }
  let mut scan = Scanner { s: header, i: 0 };
  loop {
    let (s, e) = scan.token().ok_or(ListError::Invalid)?;
    push(out, TOKEN_EXTENSION, s, e);
    while scan.separator(SEMICOLON) {
      let (ks, ke) = scan.token().ok_or(ListError::Invalid)?;
      if !scan.separator(EQUALS) {
        push(out, TOKEN_FLAG, ks, ke);
        continue;
      }
      push(out, TOKEN_PARAM, ks, ke);
      if let Some((vs, ve)) = scan.token() {
        push(out, TOKEN_VALUE, vs, ve);
      } else {
        let (vs, ve, escaped) = scan.quoted().ok_or(ListError::Invalid)?;
        push(
          out,
          if escaped {
            TOKEN_ESCAPED_VALUE
          } else {
            TOKEN_VALUE
          },
          vs,
          ve,
        );
      }
    }
    if !scan.separator(COMMA) {
      break;
    }
  }
  if scan.i < header.len() {
    return Err(ListError::Invalid);
  }
  Ok(())
}

/// The number a hixie-76 `Sec-WebSocket-Key1/2` encodes: its digits read as one decimal number,
/// divided by its count of spaces. `None` (websocket-driver 0.8.0's hardening) when there are no
/// digits, the number is 0, there are no spaces, the division leaves a remainder, or the result
/// is over 32 bits.
pub fn hixie76_key_number(key: &[u16]) -> Option<u32> {
  let mut number: u64 = 0;
  let mut spaces: u64 = 0;
  let mut too_big = false;
  for &c in key {
    match c {
      0x30..=0x39 => match number
        .checked_mul(10)
        .and_then(|n| n.checked_add(u64::from(c - 0x30)))
      {
        Some(n) => number = n,
        None => too_big = true,
      },
      SPACE => spaces += 1,
      _ => {}
    }
  }
  // A number past u64 divided by any possible count of spaces is far over 32 bits.
  if too_big || number == 0 || spaces == 0 || !number.is_multiple_of(spaces) {
    return None;
  }
  u32::try_from(number / spaces).ok()
}

#[cfg(test)]
mod tests {
  use super::*;

  fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
  }

  /// Renders tokens as `kind:text` for readable assertions.
  fn render(
    header: &str,
    f: fn(&[u16], &mut Vec<u32>) -> Result<(), ListError>,
  ) -> Result<Vec<String>, ListError> {
    let h = utf16(header);
    let mut out = Vec::new();
    f(&h, &mut out)?;
    Ok(
      out
        .chunks(3)
        .map(|t| {
          format!(
            "{}:{}",
            t[0],
            String::from_utf16_lossy(&h[t[1] as usize..t[2] as usize])
          )
        })
        .collect(),
    )
  }

  #[test]
  fn ws_extensions_match_ws_results() {
    assert_eq!(render("foo", scan_ws_extensions).unwrap(), ["0:foo"]);
    assert_eq!(
      render("foo; bar; baz=1; bar=2", scan_ws_extensions).unwrap(),
      ["0:foo", "1:bar", "2:baz", "3:1", "2:bar", "3:2"]
    );
    assert_eq!(
      render("foo;bar=\"hi\\\"x\", baz", scan_ws_extensions),
      Err(ListError::UnexpectedCharacter(12))
    );
    assert_eq!(
      render("foo; bar=\"a\\bc\" , baz ; x", scan_ws_extensions).unwrap(),
      ["0:foo", "2:bar", "4:a\\bc", "0:baz", "1:x"]
    );
    assert_eq!(
      render("foo; bar=\"\\b\"", scan_ws_extensions).unwrap(),
      ["0:foo", "2:bar", "3:b"]
    );
    assert_eq!(
      render("foo ", scan_ws_extensions),
      Err(ListError::UnexpectedEnd)
    );
    assert_eq!(
      render("", scan_ws_extensions),
      Err(ListError::UnexpectedEnd)
    );
    assert_eq!(
      render(" foo", scan_ws_extensions),
      Err(ListError::UnexpectedCharacter(0))
    );
    assert_eq!(
      render("foo;", scan_ws_extensions),
      Err(ListError::UnexpectedEnd)
    );
    assert_eq!(
      render("foo; bar=\"baz", scan_ws_extensions),
      Err(ListError::UnexpectedEnd)
    );
    assert_eq!(
      render("foo,,bar", scan_ws_extensions),
      Err(ListError::UnexpectedCharacter(4))
    );
    assert_eq!(
      render("fo\u{142}", scan_ws_extensions),
      Err(ListError::UnexpectedCharacter(2))
    );
  }

  #[test]
  fn subprotocols_match_ws_results() {
    assert_eq!(
      render("a, b ,c", scan_subprotocols).unwrap(),
      ["5:a", "5:b", "5:c"]
    );
    assert_eq!(
      render("a,b,a", scan_subprotocols),
      Err(ListError::Duplicate(4, 5))
    );
    assert_eq!(
      render("a,", scan_subprotocols),
      Err(ListError::UnexpectedEnd)
    );
    assert_eq!(
      render("a ", scan_subprotocols),
      Err(ListError::UnexpectedEnd)
    );
    assert_eq!(
      render("a b", scan_subprotocols),
      Err(ListError::UnexpectedCharacter(2))
    );
    assert_eq!(
      render(",a", scan_subprotocols),
      Err(ListError::UnexpectedCharacter(0))
    );
  }

  #[test]
  fn subprotocols_scan_a_long_header_in_linear_time() {
    let header = format!("a{}b", " ".repeat(50_000));
    assert_eq!(
      render(&header, scan_subprotocols),
      Err(ListError::UnexpectedCharacter(50_001))
    );
    let many: Vec<String> = (0..20_000).map(|n| format!("p{n}")).collect();
    assert_eq!(
      render(&many.join(","), scan_subprotocols).unwrap().len(),
      20_000
    );
  }

  #[test]
  fn driver_extensions_match_websocket_extensions_results() {
    assert_eq!(
      render("", scan_driver_extensions).unwrap(),
      Vec::<String>::new()
    );
    assert_eq!(
      render("a ; b = 1 ,\r\n c; d=\"x\\\"y\"", scan_driver_extensions).unwrap(),
      ["0:a", "2:b", "3:1", "0:c", "2:d", "4:x\\\"y"]
    );
    assert_eq!(
      render("a; b=\"\"", scan_driver_extensions).unwrap(),
      ["0:a", "2:b", "3:"]
    );
    assert_eq!(
      render("a; b=\"\u{e9}\"", scan_driver_extensions).unwrap(),
      ["0:a", "2:b", "3:\u{e9}"]
    );
    assert_eq!(
      render("a;", scan_driver_extensions),
      Err(ListError::Invalid)
    );
    assert_eq!(
      render("a; b=\"c", scan_driver_extensions),
      Err(ListError::Invalid)
    );
    assert_eq!(
      render("a; b=\"\\\u{e9}\"", scan_driver_extensions),
      Err(ListError::Invalid)
    );
    assert_eq!(
      render("a b", scan_driver_extensions),
      Err(ListError::Invalid)
    );
  }

  #[test]
  fn driver_extensions_reject_an_unclosed_quote_in_one_pass() {
    // CVE-2020-7662: websocket-extensions' regex backtracked on this shape.
    let header = format!("a;b=\"{}", "\\\"".repeat(50_000));
    assert_eq!(
      render(&header, scan_driver_extensions),
      Err(ListError::Invalid)
    );
  }

  #[test]
  fn hixie76_keys_follow_websocket_driver_0_8() {
    assert_eq!(
      hixie76_key_number(&utf16("4 @1  46546xW%0l 1 5")),
      Some(829_309_203)
    );
    assert_eq!(
      hixie76_key_number(&utf16("12998 5 Y3 1  .P00")),
      Some(259_970_620)
    );
    assert_eq!(hixie76_key_number(&utf16("nodigits here")), None);
    assert_eq!(hixie76_key_number(&utf16("12345")), None);
    assert_eq!(hixie76_key_number(&utf16("1 0 1")), None);
    assert_eq!(hixie76_key_number(&utf16("8589934592 ")), None);
    assert_eq!(
      hixie76_key_number(&utf16(&format!("{} ", "9".repeat(40)))),
      None
    );
    assert_eq!(hixie76_key_number(&utf16("0 0")), None);
  }
}
