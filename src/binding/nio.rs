//! Native socket I/O for JS (`lib/nio/`): converts arguments and calls `crate::nio`. The
//! runtime is started once per thread that loads the addon (the main JS thread, or a worker).

use super::receiver::{config_from_options, OPT_ALL};
use crate::nio::{Batch, Io};
use crate::proto::Decoder;
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use std::cell::RefCell;
use std::sync::{Arc, Mutex};

/// The JS callback, told (with no arguments) that events are waiting: weak, so it keeps the
/// process alive only while connections are open (see `keep_alive`).
type Wake = ThreadsafeFunction<(), (), (), Status, false, true>;

struct State {
  io: Io,
  /// Shared with the I/O thread, which calls it; locked only to call or to (un)reference.
  wake: Arc<Mutex<Wake>>,
  referenced: bool,
  /// The batch being handed to JS (`nioTakeInto`, then `nioTakeData`); its buffers are
  /// swapped back into the inbox by the next take, so they are reused.
  taken: Batch,
}

thread_local! {
  static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

fn with_io<R>(f: impl FnOnce(&mut State) -> Result<R>) -> Result<R> {
  STATE.with(|s| match s.borrow_mut().as_mut() {
    Some(state) => f(state),
    None => Err(Error::new(
      Status::GenericFailure,
      "nioStart() was not called",
    )),
  })
}

/// Keeps the event loop alive while connections are open, like the sockets they replace.
#[allow(deprecated)] // napi-rs suggests clones instead; ref/unref is exactly what is needed here
fn keep_alive(env: &Env, state: &mut State) -> Result<()> {
  let wanted = !state.io.is_empty();
  if wanted != state.referenced {
    let mut wake = state.wake.lock().unwrap_or_else(|e| e.into_inner());
    if wanted {
      wake.refer(env)?;
    } else {
      wake.unref(env)?;
    }
    state.referenced = wanted;
  }
  Ok(())
}

/// Starts the I/O thread; `onEvents()` is called whenever events wait for `nioTakeInto()`.
/// Calling it again does nothing.
#[napi]
pub fn nio_start(on_events: Function<(), ()>) -> Result<()> {
  if STATE.with(|s| s.borrow().is_some()) {
    return Ok(());
  }
  let wake: Wake = on_events
    .build_threadsafe_function::<()>()
    .callee_handled::<false>()
    .weak::<true>()
    .build()?;
  let wake = Arc::new(Mutex::new(wake));
  let caller = Arc::clone(&wake);
  let io = Io::new(move || {
    let wake = caller.lock().unwrap_or_else(|e| e.into_inner());
    wake.call((), ThreadsafeFunctionCallMode::NonBlocking);
  })
  .map_err(|e| Error::from_reason(format!("oxws: could not start the I/O thread: {e}")))?;
  STATE.with(|s| {
    *s.borrow_mut() = Some(State {
      io,
      wake,
      referenced: false,
      taken: Batch::default(),
    })
  });
  Ok(())
}

/// Takes over a connected TCP socket by file descriptor (duplicated: the caller then closes
/// its handle). `head`: bytes already read from it. Everything read is decoded as by a
/// `Receiver` with the same option bits (`options`; an unknown bit is an error), `maxPayload`,
/// `maxFragments` and `maxBufferedChunks`; `inflateWindowBits` (0 = none) and
/// `noContextTakeover` turn on permessage-deflate. Returns the connection id.
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn nio_adopt(
  env: Env,
  fd: i32,
  head: &[u8],
  options: u32,
  max_payload: f64,
  max_fragments: u32,
  max_buffered_chunks: u32,
  inflate_window_bits: u32,
  no_context_takeover: bool,
) -> Result<u32> {
  if options & !OPT_ALL != 0 {
    return Err(Error::new(
      Status::InvalidArg,
      format!("oxws: nioAdopt options {options:#x} has unknown bits"),
    ));
  }
  let config = config_from_options(options, max_payload, max_fragments, max_buffered_chunks);
  let mut decoder = Decoder::new(config);
  if inflate_window_bits > 0 {
    decoder.enable_inflate(inflate_window_bits.clamp(8, 15) as u8, no_context_takeover);
  }
  with_io(|state| {
    let id = state
      .io
      .adopt(fd, head.to_vec(), decoder)
      .map_err(|e| Error::from_reason(format!("oxws: nativeIO could not adopt the socket: {e}")))?;
    keep_alive(&env, state)?;
    Ok(id)
  })
}

/// Writes bytes for a connection (copied once): as they are when `head` is 0, else as the
/// payload of one frame (`head` as in `nioWriteBatch`). Used for large payloads, which
/// would otherwise be copied into the batch first. Returns the bytes the kernel took right
/// away (the rest is written by the I/O thread, which reports it as `WRITTEN`); -1 when the
/// connection is gone.
#[napi]
pub fn nio_write(id: u32, head: u32, data: &[u8]) -> Result<f64> {
  with_io(|state| {
    Ok(match state.io.write_part(id, head, data) {
      Some(now) => now as f64,
      None => -1.0,
    })
  })
}

thread_local! {
  /// `[first part index, bytes]` pairs of one `nioWriteBatch` call.
  static WRITTEN_NOW: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

/// Writes bytes for several connections in one call: `parts` is `[id, head, length, …]`,
/// the lengths splitting `data` in order; `head` 0 for raw bytes, else `0x100 | first
/// header byte` to frame the part as one frame, `| 0x200` to mask it with a random key (see
/// `Io::write_batch`). Each connection's bytes are written on this thread when its I/O task
/// has nothing queued: `written` (room for 2 entries per part) receives `[index of the
/// connection's first part, bytes the kernel took]` pairs for those, and the count of pairs
/// is returned; whatever remains is written by the I/O thread and reported as `WRITTEN`.
#[napi]
pub fn nio_write_batch(parts: &[u32], data: &[u8], mut written: Uint32Array) -> Result<u32> {
  with_io(|state| {
    WRITTEN_NOW.with_borrow_mut(|now| {
      now.clear();
      state.io.write_batch(parts, data, now);
      // SAFETY: the JS thread is blocked for the call; `written` is a distinct typed array.
      let out = unsafe { written.as_mut() };
      let n = now.len().min(out.len() & !1);
      out[..n].copy_from_slice(&now[..n]);
      Ok((n / 2) as u32)
    })
  })
}

/// Shuts down the sending side once the queue is written.
#[napi]
pub fn nio_end(id: u32) -> Result<bool> {
  with_io(|state| Ok(state.io.end(id)))
}

/// Stops (`true`) or restarts reading.
#[napi]
pub fn nio_pause(id: u32, paused: bool) -> Result<bool> {
  with_io(|state| Ok(state.io.pause(id, paused)))
}

/// Closes a connection now.
#[napi]
pub fn nio_destroy(id: u32) -> Result<bool> {
  with_io(|state| Ok(state.io.destroy(id)))
}

/// Kind of the header `nioTakeInto` writes before the events: `[BATCH, 0, data length, 0]`
/// (id 0 is never a connection's).
const BATCH_HEADER: u32 = 12;
/// Event slots whose memory is kept for the next batch: 16,384 (4,096 events, 64 KiB); the
/// buffer of a larger batch (a burst) is freed once copied.
const EVENTS_KEEP: usize = 16 * 1024;

/// Takes the waiting events into `events`: the header `[BATCH, 0, data length, 0]`, then
/// `[kind, id, a, b]` per event (kinds in `src/nio/mod.rs`); returns the number of slots
/// written. When `events` is too small nothing is written and the result is minus the slots
/// needed (call again with a larger array: the events wait). The bytes the events point into
/// are collected next, with `nioTakeDataInto` or `nioTakeData`. No JS object is created: a
/// wake-up that carries a few events (a close, a small message) costs two or three calls.
#[napi]
pub fn nio_take_into(env: Env, mut events: Uint32Array) -> Result<i64> {
  with_io(|state| {
    if state.taken.events.is_empty() {
      // Bytes of a batch whose data was never collected are dropped before the swap, so
      // the I/O thread never appends after them.
      state.taken.data.clear();
      state.io.take_into(&mut state.taken);
      keep_alive(&env, state)?;
    }
    let taken = &mut state.taken;
    let needed = 4 + taken.events.len();
    // SAFETY: the JS thread is blocked for the call; nothing else views this array's memory
    // from Rust.
    let out = unsafe { events.as_mut() };
    if out.len() < needed {
      return Ok(-(needed as i64));
    }
    out[..4].copy_from_slice(&[BATCH_HEADER, 0, taken.data.len() as u32, 0]);
    out[4..needed].copy_from_slice(&taken.events);
    taken.events.clear();
    if taken.events.capacity() > EVENTS_KEEP {
      taken.events = Vec::new();
    }
    Ok(needed as i64)
  })
}

/// Copies the bytes of the batch `nioTakeInto` took into `out` (which must be exactly as
/// long, from a pool: small batches) and keeps the memory for the next batch.
#[napi]
pub fn nio_take_data_into(out: Uint8Array) -> Result<()> {
  with_io(|state| {
    let data = &mut state.taken.data;
    super::copy_into_js(out, data, "nioTakeDataInto")?;
    data.clear();
    Ok(())
  })
}

/// Hands the bytes of the batch `nioTakeInto` took over to JS without a copy (large batches).
#[napi]
pub fn nio_take_data() -> Result<Buffer> {
  with_io(|state| Ok(std::mem::take(&mut state.taken.data).into()))
}

/// The most bytes the inbox held (events waiting for `nioTakeInto`) since the last call.
#[napi]
pub fn nio_inbox_peak() -> Result<f64> {
  with_io(|state| Ok(state.io.take_held_peak() as f64))
}
