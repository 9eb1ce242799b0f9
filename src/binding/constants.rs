//! The numbers the JS shim and the addon share: event kinds, flag and option bits, header list
//! grammars, nativeIO event kinds and write heads, and the default limits. JS reads them once
//! at load from [`wire_constants`] (`lib/core/wire.js`) and never writes them itself, so the two
//! sides cannot disagree.

use super::{header_list, receiver, sender};
use crate::nio;
use crate::proto::{config, header, OpCode};
use napi_derive::napi;

/// Event kinds and flags of the receiver's event array (`src/binding/receiver.rs`).
#[napi(object)]
pub struct ReceiverWire {
  pub kind_text: i32,
  pub kind_binary: i32,
  pub kind_ping: i32,
  pub kind_pong: i32,
  pub kind_close: i32,
  pub kind_error: i32,
  /// The payload is held by the receiver, not a range of the chunk.
  pub flag_held: i32,
  /// The message was compressed on the wire.
  pub flag_compressed: i32,
  /// Option bits of the constructor.
  pub opt_client: u32,
  pub opt_masking_optional: u32,
  pub opt_skip_utf8: u32,
  pub opt_rsv1: u32,
  pub opt_lenient_close: u32,
}

/// Opcodes and flag bits of `frameInto` / `frameHeaderInto` (`src/binding/sender.rs`).
#[napi(object)]
pub struct SenderWire {
  pub opcode_continuation: u32,
  pub opcode_text: u32,
  pub opcode_binary: u32,
  pub opcode_close: u32,
  pub opcode_ping: u32,
  pub opcode_pong: u32,
  pub flag_fin: u32,
  pub flag_rsv1: u32,
  pub flag_mask: u32,
  pub flag_random_mask: u32,
  pub flag_header_only: u32,
  /// The longest frame header: 2 + 8 + 4 bytes.
  pub max_header: u32,
}

/// Grammars and token kinds of `scanHeaderList` (`src/proto/header_list.rs`).
#[napi(object)]
pub struct HeaderListWire {
  pub grammar_ws_extensions: u32,
  pub grammar_driver_extensions: u32,
  pub grammar_subprotocols: u32,
  /// Slot 0 of a scan: the tokens follow.
  pub scan_ok: u32,
  pub scan_unexpected_character: u32,
  pub scan_unexpected_end: u32,
  pub scan_duplicate: u32,
  pub scan_invalid: u32,
  pub token_extension: u32,
  pub token_flag: u32,
  pub token_param: u32,
  pub token_value: u32,
  pub token_escaped_value: u32,
  pub token_protocol: u32,
}

/// nativeIO event kinds of a batch and `head` bits of a write part (`src/nio/mod.rs`).
#[napi(object)]
pub struct NioWire {
  pub written: u32,
  pub end: u32,
  pub finished: u32,
  pub error: u32,
  pub closed: u32,
  pub text: u32,
  pub binary: u32,
  pub ping: u32,
  pub pong: u32,
  pub close: u32,
  pub protocol_error: u32,
  pub head_frame: u32,
  pub head_masked: u32,
  /// Decoded bytes one connection may have waiting for JS before it is not read (1 MiB).
  pub connection_inbox_max: u32,
  /// Decoded bytes all connections together may have waiting for JS (16 MiB).
  pub inbox_max: u32,
}

/// Default receive limits (ws 8.23's; `src/proto/config.rs`).
#[napi(object)]
pub struct LimitsWire {
  /// `maxPayload`: 100 MiB.
  pub max_payload: f64,
  /// `maxFragments`: 16384.
  pub max_fragments: u32,
  /// `maxBufferedChunks`: 262144.
  pub max_buffered_chunks: u32,
}

/// Everything JS shares with the addon, by module.
#[napi(object)]
pub struct WireConstants {
  pub receiver: ReceiverWire,
  pub sender: SenderWire,
  pub header_list: HeaderListWire,
  pub nio: NioWire,
  pub limits: LimitsWire,
}

fn opcode(op: OpCode) -> u32 {
  u32::from(u8::from(op))
}

fn clamp_u32(n: usize) -> u32 {
  u32::try_from(n).unwrap_or(u32::MAX)
}

/// The shared numbers (called once, when `lib/core/wire.js` loads).
#[napi]
pub fn wire_constants() -> WireConstants {
  WireConstants {
    receiver: ReceiverWire {
      kind_text: receiver::KIND_TEXT,
      kind_binary: receiver::KIND_BINARY,
      kind_ping: receiver::KIND_PING,
      kind_pong: receiver::KIND_PONG,
      kind_close: receiver::KIND_CLOSE,
      kind_error: receiver::KIND_ERROR,
      flag_held: receiver::FLAG_HELD,
      flag_compressed: receiver::FLAG_COMPRESSED,
      opt_client: receiver::OPT_CLIENT,
      opt_masking_optional: receiver::OPT_MASKING_OPTIONAL,
      opt_skip_utf8: receiver::OPT_SKIP_UTF8,
      opt_rsv1: receiver::OPT_RSV1,
      opt_lenient_close: receiver::OPT_LENIENT_CLOSE,
    },
    sender: SenderWire {
      opcode_continuation: opcode(OpCode::Continuation),
      opcode_text: opcode(OpCode::Text),
      opcode_binary: opcode(OpCode::Binary),
      opcode_close: opcode(OpCode::Close),
      opcode_ping: opcode(OpCode::Ping),
      opcode_pong: opcode(OpCode::Pong),
      flag_fin: sender::FLAG_FIN,
      flag_rsv1: sender::FLAG_RSV1,
      flag_mask: sender::FLAG_MASK,
      flag_random_mask: sender::FLAG_RANDOM_MASK,
      flag_header_only: sender::FLAG_HEADER_ONLY,
      max_header: clamp_u32(header::MAX_HEADER_LEN),
    },
    header_list: HeaderListWire {
      grammar_ws_extensions: header_list::GRAMMAR_WS_EXTENSIONS,
      grammar_driver_extensions: header_list::GRAMMAR_DRIVER_EXTENSIONS,
      grammar_subprotocols: header_list::GRAMMAR_SUBPROTOCOLS,
      scan_ok: header_list::SCAN_OK,
      scan_unexpected_character: header_list::SCAN_UNEXPECTED_CHARACTER,
      scan_unexpected_end: header_list::SCAN_UNEXPECTED_END,
      scan_duplicate: header_list::SCAN_DUPLICATE,
      scan_invalid: header_list::SCAN_INVALID,
      token_extension: crate::proto::header_list::TOKEN_EXTENSION,
      token_flag: crate::proto::header_list::TOKEN_FLAG,
      token_param: crate::proto::header_list::TOKEN_PARAM,
      token_value: crate::proto::header_list::TOKEN_VALUE,
      token_escaped_value: crate::proto::header_list::TOKEN_ESCAPED_VALUE,
      token_protocol: crate::proto::header_list::TOKEN_PROTOCOL,
    },
    nio: NioWire {
      written: nio::kind::WRITTEN,
      end: nio::kind::END,
      finished: nio::kind::FINISHED,
      error: nio::kind::ERROR,
      closed: nio::kind::CLOSED,
      text: nio::kind::TEXT,
      binary: nio::kind::BINARY,
      ping: nio::kind::PING,
      pong: nio::kind::PONG,
      close: nio::kind::CLOSE,
      protocol_error: nio::kind::PROTOCOL_ERROR,
      head_frame: nio::HEAD_FRAME,
      head_masked: nio::HEAD_MASKED,
      connection_inbox_max: clamp_u32(nio::CONNECTION_INBOX_MAX),
      inbox_max: clamp_u32(nio::INBOX_MAX),
    },
    limits: LimitsWire {
      max_payload: config::DEFAULT_MAX_PAYLOAD as f64,
      max_fragments: config::DEFAULT_MAX_FRAGMENTS,
      max_buffered_chunks: config::DEFAULT_MAX_BUFFERED_CHUNKS,
    },
  }
}
