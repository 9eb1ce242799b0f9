//! The sans-I/O WebSocket protocol core. No sockets, no timers, no Node bindings: bytes in, events
//! and bytes out. Everything here builds and is tested with `cargo test --no-default-features`.

pub mod close;
pub mod config;
pub mod decoder;
pub mod deflate;
pub mod encoder;
pub mod error;
pub mod handshake;
pub mod header;
pub mod header_list;
pub mod http;
pub mod mask;
pub mod opcode;
pub mod utf8;

pub use config::{Config, Masking};
pub use decoder::{Decoder, Event, EventSink, Payload};
pub use error::ProtocolError;
pub use header::FrameHeader;
pub use opcode::OpCode;
