//! The N-API binding: the only module that uses `napi`. Each function converts its
//! arguments, calls `crate::proto`, and converts the result; no protocol logic lives here.

mod deflater;
mod errors;
mod handshake;
mod header_list;
mod http;
mod inflater;
mod nio;
mod raw;
mod receiver;
mod sender;
