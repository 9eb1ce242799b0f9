//! HTTP/1.x message heads: the request a raw-TCP server reads before the handshake
//! (websocket-driver's `driver.server()`), and the response a client or an HTTP `CONNECT`
//! proxy sends back.
//!
//! Incremental and bounded: bytes are kept until the blank line that ends the head arrives,
//! never more than the configured maximum. Lines end with CRLF or a bare LF; header names
//! are tokens; values are trimmed and decoded as Latin-1 (as Node's `http` does); obsolete
//! line folding is joined with a space. No regular expressions, no backtracking.

use thiserror::Error;

/// Default largest head, in bytes: 80 KiB (http-parser-js's `maxHeaderSize`, which
/// websocket-driver uses).
pub const DEFAULT_MAX_HEAD_BYTES: usize = 80 * 1024;

/// Whether a request or a response head is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadKind {
  /// `METHOD target HTTP/1.x`
  Request,
  /// `HTTP/1.x status reason`
  Response,
}

/// A parsed head.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
  /// Request method (requests only), e.g. `GET`.
  pub method: String,
  /// Request target (requests only), e.g. `/chat?room=1`.
  pub target: String,
  /// Status code (responses only).
  pub status: u16,
  /// Reason phrase (responses only).
  pub reason: String,
  /// The minor HTTP version (`1` for HTTP/1.1).
  pub minor_version: u8,
  /// Header fields in order, names as sent.
  pub headers: Vec<(String, String)>,
}

/// Why a head was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum HttpError {
  /// The head is longer than the maximum.
  #[error("HTTP header is too large")]
  TooLarge,
  /// The start line is not a valid request or status line.
  #[error("Invalid HTTP start line")]
  InvalidStartLine,
  /// A header line has no colon, an invalid name or a control character in its value.
  #[error("Invalid HTTP header")]
  InvalidHeader,
}

/// Accumulates bytes until a whole head has arrived. See the module docs.
#[derive(Debug)]
pub struct HeadParser {
  kind: HeadKind,
  max_bytes: usize,
  buf: Vec<u8>,
}

impl HeadParser {
  /// A parser for one head of `kind`, at most `max_bytes` long (terminating blank line
  /// included).
  pub fn new(kind: HeadKind, max_bytes: usize) -> Self {
    HeadParser {
      kind,
      max_bytes,
      buf: Vec::new(),
    }
  }

  /// Bytes held while the head is incomplete.
  pub fn buffered_bytes(&self) -> usize {
    self.buf.len()
  }

  /// Feeds the next chunk. Returns `Ok(None)` while the head is incomplete, and once it is
  /// complete the head and the offset in `chunk` where the bytes after it (the body) start.
  pub fn feed(&mut self, chunk: &[u8]) -> Result<Option<(Head, usize)>, HttpError> {
    let before = self.buf.len();
    let from = before.saturating_sub(3);
    let room = self.max_bytes.saturating_sub(before);
    let take = chunk.len().min(room);
    self.buf.extend_from_slice(&chunk[..take]);
    match find_head_end(&self.buf, from) {
      Some(end) => {
        let head = parse_head(self.kind, &self.buf[..end])?;
        self.buf = Vec::new();
        Ok(Some((head, end - before)))
      }
      None if take < chunk.len() || self.buf.len() >= self.max_bytes => {
        self.buf = Vec::new();
        Err(HttpError::TooLarge)
      }
      None => Ok(None),
    }
  }
}

/// The offset just past the blank line ending the head (`\n\n` or `\n\r\n`), searching from
/// `from`.
fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
  let mut i = from;
  while i < buf.len() {
    if buf[i] == b'\n' {
      match buf.get(i + 1) {
        Some(b'\n') => return Some(i + 2),
        Some(b'\r') if buf.get(i + 2) == Some(&b'\n') => return Some(i + 3),
        _ => {}
      }
    }
    i += 1;
  }
  None
}

/// Splits the head into lines (without their CRLF / LF), dropping the final blank line.
fn lines(head: &[u8]) -> impl Iterator<Item = &[u8]> {
  head
    .split(|&b| b == b'\n')
    .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
    .filter(|line| !line.is_empty())
}

fn parse_head(kind: HeadKind, head: &[u8]) -> Result<Head, HttpError> {
  // Leading blank lines before a request line are tolerated (RFC 9112 §2.2).
  let mut lines = lines(head);
  let start = lines.next().ok_or(HttpError::InvalidStartLine)?;
  let mut out = Head::default();
  match kind {
    HeadKind::Request => parse_request_line(start, &mut out)?,
    HeadKind::Response => parse_status_line(start, &mut out)?,
  }
  for line in lines {
    if line[0] == b' ' || line[0] == b'\t' {
      // Obsolete line folding: continue the previous value.
      let last = out.headers.last_mut().ok_or(HttpError::InvalidHeader)?;
      let more = field_value(line)?;
      if !more.is_empty() {
        if !last.1.is_empty() {
          last.1.push(' ');
        }
        last.1.push_str(&more);
      }
      continue;
    }
    let colon = line
      .iter()
      .position(|&b| b == b':')
      .ok_or(HttpError::InvalidHeader)?;
    let name = &line[..colon];
    if name.is_empty() || !name.iter().all(|&b| is_token(b)) {
      return Err(HttpError::InvalidHeader);
    }
    out
      .headers
      .push((latin1(name), field_value(&line[colon + 1..])?));
  }
  Ok(out)
}

fn parse_request_line(line: &[u8], out: &mut Head) -> Result<(), HttpError> {
  let mut parts = line.split(|&b| b == b' ').filter(|p| !p.is_empty());
  let method = parts.next().ok_or(HttpError::InvalidStartLine)?;
  let target = parts.next().ok_or(HttpError::InvalidStartLine)?;
  let version = parts.next().ok_or(HttpError::InvalidStartLine)?;
  if parts.next().is_some()
    || !method.iter().all(|&b| is_token(b))
    || !target.iter().all(|&b| b > 0x20 && b != 0x7f)
  {
    return Err(HttpError::InvalidStartLine);
  }
  out.minor_version = http_version(version)?;
  out.method = latin1(method);
  out.target = latin1(target);
  Ok(())
}

fn parse_status_line(line: &[u8], out: &mut Head) -> Result<(), HttpError> {
  let space = line
    .iter()
    .position(|&b| b == b' ')
    .ok_or(HttpError::InvalidStartLine)?;
  out.minor_version = http_version(&line[..space])?;
  let rest = &line[space + 1..];
  let code = rest.get(..3).ok_or(HttpError::InvalidStartLine)?;
  if !code.iter().all(u8::is_ascii_digit) || rest.get(3).is_some_and(|&b| b != b' ') {
    return Err(HttpError::InvalidStartLine);
  }
  out.status = code.iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
  out.reason = field_value(rest.get(4..).unwrap_or(&[]))?;
  Ok(())
}

/// `HTTP/1.x` → `x`.
fn http_version(v: &[u8]) -> Result<u8, HttpError> {
  match v {
    [b'H', b'T', b'T', b'P', b'/', b'1', b'.', minor] if minor.is_ascii_digit() => Ok(minor - b'0'),
    _ => Err(HttpError::InvalidStartLine),
  }
}

/// A field value: surrounding spaces and tabs removed; control characters other than HT
/// rejected.
fn field_value(raw: &[u8]) -> Result<String, HttpError> {
  let is_ws = |b: &u8| *b == b' ' || *b == b'\t';
  let start = raw.iter().position(|b| !is_ws(b)).unwrap_or(raw.len());
  let end = raw.iter().rposition(|b| !is_ws(b)).map_or(start, |i| i + 1);
  let value = &raw[start..end];
  if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
    return Err(HttpError::InvalidHeader);
  }
  Ok(latin1(value))
}

/// RFC 9110 `tchar`.
fn is_token(b: u8) -> bool {
  b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn latin1(bytes: &[u8]) -> String {
  bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
  use super::*;

  fn request(text: &str) -> Result<Option<(Head, usize)>, HttpError> {
    HeadParser::new(HeadKind::Request, DEFAULT_MAX_HEAD_BYTES).feed(text.as_bytes())
  }

  #[test]
  fn parses_a_handshake_request_split_anywhere() {
    let text = "GET /chat?x=1 HTTP/1.1\r\nHost: example.com\r\nUpgrade:  websocket \r\n\
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\nBODY";
    let bytes = text.as_bytes();
    for cut in 0..bytes.len() {
      let mut p = HeadParser::new(HeadKind::Request, DEFAULT_MAX_HEAD_BYTES);
      let (head, body) = match p.feed(&bytes[..cut]).unwrap() {
        Some((head, at)) => (head, [&bytes[at..cut], &bytes[cut..]].concat()),
        None => {
          let (head, at) = p.feed(&bytes[cut..]).unwrap().unwrap();
          (head, bytes[cut + at..].to_vec())
        }
      };
      assert_eq!(body, b"BODY", "cut at {cut}");
      assert_eq!(head.method, "GET");
      assert_eq!(head.target, "/chat?x=1");
      assert_eq!(head.minor_version, 1);
      assert_eq!(head.headers[1], ("Upgrade".into(), "websocket".into()));
      assert_eq!(head.headers.len(), 3);
    }
  }

  #[test]
  fn parses_a_status_line_with_and_without_reason() {
    let mut p = HeadParser::new(HeadKind::Response, 1024);
    let (head, at) = p
      .feed(b"HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\n\n\x81\x00")
      .unwrap()
      .unwrap();
    assert_eq!(head.status, 101);
    assert_eq!(head.reason, "Switching Protocols");
    assert_eq!(at, 53);
    let mut p = HeadParser::new(HeadKind::Response, 1024);
    let (head, _) = p.feed(b"HTTP/1.0 200\r\n\r\n").unwrap().unwrap();
    assert_eq!(
      (head.status, head.minor_version, head.reason.as_str()),
      (200, 0, "")
    );
  }

  #[test]
  fn folds_obsolete_continuation_lines() {
    let (head, _) = request("GET / HTTP/1.1\r\nX: a\r\n  b\r\n\r\n")
      .unwrap()
      .unwrap();
    assert_eq!(head.headers, vec![("X".into(), "a b".into())]);
  }

  #[test]
  fn rejects_malformed_heads() {
    for text in [
      "GET /\r\n\r\n",
      "GET / HTTP/2.0\r\n\r\n",
      "G@T / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
      "GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n",
      "GET / HTTP/1.1 extra\r\n\r\n",
      "\r\n\r\n",
    ] {
      assert!(request(text).is_err(), "{text:?}");
    }
    let mut p = HeadParser::new(HeadKind::Response, 1024);
    assert_eq!(
      p.feed(b"HTTP/1.1 1x1 OK\r\n\r\n"),
      Err(HttpError::InvalidStartLine)
    );
  }

  #[test]
  fn the_head_is_bounded() {
    let mut p = HeadParser::new(HeadKind::Request, 64);
    assert_eq!(p.feed(&[b'a'; 40]), Ok(None));
    assert_eq!(p.feed(&[b'a'; 40]), Err(HttpError::TooLarge));
    assert_eq!(p.buffered_bytes(), 0);
    let mut p = HeadParser::new(HeadKind::Request, 64);
    assert_eq!(p.feed(&[b'a'; 64]), Err(HttpError::TooLarge));
  }

  #[test]
  fn values_are_latin1() {
    let mut p = HeadParser::new(HeadKind::Request, 1024);
    let (head, _) = p
      .feed(b"GET / HTTP/1.1\r\nX: caf\xe9\r\n\r\n")
      .unwrap()
      .unwrap();
    assert_eq!(head.headers[0].1, "caf\u{e9}");
  }
}
