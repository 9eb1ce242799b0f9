//! Receive-side configuration: masking rule, extensions' RSV bits and the size limits, with
//! `ws` 8.23's defaults.

/// How the masking bit of received frames is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Masking {
  /// Every frame must be masked (a server receiving from clients; RFC 6455 §5.1).
  Required,
  /// No frame may be masked (a client receiving from a server).
  Forbidden,
  /// Masked and unmasked frames are both accepted (websocket-driver's `requireMasking: false`).
  Optional,
}

/// Limits and rules applied to received bytes.
///
/// Defaults are `ws` 8.23's for a server. Every limit of 0 means "no limit", as in `ws`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
  /// Masking rule for received frames. Default [`Masking::Required`] (server side).
  pub masking: Masking,
  /// Largest message, in bytes, summed over its fragments (checked when each frame header
  /// arrives, before any payload is buffered). Default 100 MiB (`ws` `maxPayload`); 0 = none.
  pub max_payload: u64,
  /// Most data frames in one message. Default 16384 (`ws` 8.21.3 `maxFragments`); 0 = none.
  /// Fragments are appended into one buffer, so memory stays bounded by `max_payload`
  /// whatever the fragment size; this limit keeps the per-fragment work bounded too.
  pub max_fragments: u32,
  /// Most socket chunks that may arrive while one frame is still incomplete. Default 262144
  /// (`ws` 8.21.3 `maxBufferedChunks`); 0 = none. Bytes are copied as they arrive, so this
  /// bounds work, not memory.
  pub max_buffered_chunks: u32,
  /// Skip UTF-8 validation of text messages and close reasons. Default `false`.
  pub skip_utf8_validation: bool,
  /// RSV bits that negotiated extensions use (`header::RSV1` when permessage-deflate is on).
  /// RSV1 is only accepted on the first frame of a data message. Default 0.
  pub allowed_rsv: u8,
  /// websocket-driver's close policy ([`crate::proto::close::lenient`]): a close frame never
  /// fails the connection (1-byte payloads, any code, any reason bytes are accepted), and
  /// [`crate::proto::Event::Close`]'s `code` is the one to answer with (1002 for a bad code
  /// or reason, 1000 for none), its reason empty unless it is UTF-8. Default `false`.
  pub lenient_close: bool,
}

/// `ws` default `maxPayload`: 100 MiB.
pub const DEFAULT_MAX_PAYLOAD: u64 = 100 * 1024 * 1024;
/// `ws` 8.21.3 default `maxFragments`.
pub const DEFAULT_MAX_FRAGMENTS: u32 = 16384;
/// `ws` 8.21.3 default `maxBufferedChunks`.
pub const DEFAULT_MAX_BUFFERED_CHUNKS: u32 = 262_144;

impl Default for Config {
  fn default() -> Self {
    Self::server()
  }
}

impl Config {
  /// Server-side defaults: frames from clients must be masked.
  pub fn server() -> Self {
    Config {
      masking: Masking::Required,
      max_payload: DEFAULT_MAX_PAYLOAD,
      max_fragments: DEFAULT_MAX_FRAGMENTS,
      max_buffered_chunks: DEFAULT_MAX_BUFFERED_CHUNKS,
      skip_utf8_validation: false,
      allowed_rsv: 0,
      lenient_close: false,
    }
  }

  /// Client-side defaults: frames from servers must not be masked.
  pub fn client() -> Self {
    Config {
      masking: Masking::Forbidden,
      ..Self::server()
    }
  }

  /// Sets [`Config::masking`].
  pub fn with_masking(mut self, masking: Masking) -> Self {
    self.masking = masking;
    self
  }

  /// Sets [`Config::max_payload`].
  pub fn with_max_payload(mut self, max_payload: u64) -> Self {
    self.max_payload = max_payload;
    self
  }

  /// Sets [`Config::max_fragments`].
  pub fn with_max_fragments(mut self, max_fragments: u32) -> Self {
    self.max_fragments = max_fragments;
    self
  }

  /// Sets [`Config::max_buffered_chunks`].
  pub fn with_max_buffered_chunks(mut self, max_buffered_chunks: u32) -> Self {
    self.max_buffered_chunks = max_buffered_chunks;
    self
  }

  /// Sets [`Config::skip_utf8_validation`].
  pub fn with_skip_utf8_validation(mut self, skip: bool) -> Self {
    self.skip_utf8_validation = skip;
    self
  }

  /// Sets [`Config::lenient_close`].
  pub fn with_lenient_close(mut self, lenient: bool) -> Self {
    self.lenient_close = lenient;
    self
  }

  /// Sets [`Config::allowed_rsv`].
  pub fn with_allowed_rsv(mut self, rsv: u8) -> Self {
    self.allowed_rsv = rsv;
    self
  }
}
