//! `HttpHeadParser`: the handshake's HTTP head, parsed by `crate::proto::http`.

use crate::proto::http::{HeadKind, HeadParser};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// One HTTP request or response head, fed chunk by chunk.
#[napi]
pub struct HttpHeadParser {
  parser: HeadParser,
  method: String,
  url: String,
  status_code: u32,
  status_message: String,
  version_minor: u32,
  headers: Vec<String>,
}

#[napi]
impl HttpHeadParser {
  /// `isResponse`: a status line is expected instead of a request line. `maxBytes`: the
  /// largest head accepted.
  #[napi(constructor)]
  pub fn new(is_response: bool, max_bytes: u32) -> Self {
    let kind = if is_response {
      HeadKind::Response
    } else {
      HeadKind::Request
    };
    HttpHeadParser {
      parser: HeadParser::new(kind, max_bytes as usize),
      method: String::new(),
      url: String::new(),
      status_code: 0,
      status_message: String::new(),
      version_minor: 0,
      headers: Vec::new(),
    }
  }

  /// Feeds a chunk: -1 while the head is incomplete, else the offset in `chunk` where the
  /// body starts (the head's fields are then readable). Throws on a malformed or oversized
  /// head.
  #[napi(catch_unwind)]
  pub fn execute(&mut self, chunk: &[u8]) -> Result<i32> {
    match self.parser.feed(chunk) {
      Ok(None) => Ok(-1),
      Ok(Some((head, body))) => {
        self.method = head.method;
        self.url = head.target;
        self.status_code = head.status.into();
        self.status_message = head.reason;
        self.version_minor = head.minor_version.into();
        self.headers = head
          .headers
          .into_iter()
          .flat_map(|(name, value)| [name, value])
          .collect();
        Ok(body as i32)
      }
      Err(e) => Err(Error::new(Status::GenericFailure, e.to_string())),
    }
  }

  /// The request method.
  #[napi(getter)]
  pub fn method(&self) -> String {
    self.method.clone()
  }

  /// The request target.
  #[napi(getter)]
  pub fn url(&self) -> String {
    self.url.clone()
  }

  /// The response status code.
  #[napi(getter)]
  pub fn status_code(&self) -> u32 {
    self.status_code
  }

  /// The response reason phrase.
  #[napi(getter)]
  pub fn status_message(&self) -> String {
    self.status_message.clone()
  }

  /// The minor HTTP version.
  #[napi(getter)]
  pub fn version_minor(&self) -> u32 {
    self.version_minor
  }

  /// Header names and values, alternating, in the order received.
  #[napi(getter)]
  pub fn raw_headers(&self) -> Vec<String> {
    self.headers.clone()
  }
}
