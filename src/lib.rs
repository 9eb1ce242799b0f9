//! oxws: a WebSocket protocol core (RFC 6455, hybi-07..13) for Node.js.
//!
//! * [`proto`] is the sans-I/O core: frame parsing and serialisation, masking, UTF-8
//!   validation, close codes, limits and the handshake accept key. It owns no sockets and no
//!   timers and builds without Node (`cargo test --no-default-features`).
//! * `binding` (feature `napi`, on by default) is the thin N-API layer used by the JS shim.
//!   It is the only module that uses `napi`.

#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod proto;

// Native socket I/O for the opt-in `nativeIO` mode (tokio; transport only, no protocol).
// Documented by its own module docs, so that their links resolve inside it.
#[cfg(feature = "nio")]
pub mod nio;

// Unit tests exercise `proto` directly; the binding is tested from JS (`__test__/core`).
#[cfg(all(feature = "napi", not(test)))]
mod binding;
