'use strict';

/**
 * The per-tick write flush of `nativeIO`: every `NativeSocket` with writes this tick is
 * handed over in one native call at the end of the tick (`nioWriteBatch`), the bytes (or frame
 * payloads) of all sockets concatenated with `[id, head, length, …]` to split them. A socket
 * whose I/O task has nothing queued is written right there, on this thread; what the kernel
 * took is credited to its socket here, the rest when the I/O thread reports it.
 *
 * A socket gives this module its `_chunks` (`[head, length, chunk, …]`), `_id`, `_scheduled`,
 * `destroyed`, `_written` and `_onWritten(bytes)`.
 */

const native = require('../native');

/** Sockets with writes to hand over at the end of this tick. */
let dirty = [];

/**
 * Reused for the bytes of a flush (the native call copies them before it returns); grown to
 * the next power of two when a flush is larger.
 */
let scratch = Buffer.allocUnsafeSlow(64 * 1024);
/** Largest size `scratch` grows to (1 MiB); larger flushes use a buffer of their own. */
const SCRATCH_MAX = 1024 * 1024;
/** Byte payloads of at least this size (64 KiB) skip the batch (see `handedAlone()`). */
const LARGE_PART = 64 * 1024;

/**
 * Whether a queued chunk is handed over on its own (copied once, on the native side) rather
 * than through the batch: a byte payload of 64 KiB or more.
 *
 * @private
 */
function handedAlone(chunk, length) {
  return length >= LARGE_PART && typeof chunk !== 'string';
}

/**
 * Hands every socket's writes of this tick to the addon in one native call: the bytes (or
 * frame payloads) of all sockets concatenated, and `[id, head, length, …]` to split them
 * (`head` 0: raw bytes; else `0x100 | first header byte`, framed natively). Large byte
 * payloads go in calls of their own, in order with the rest. A socket whose I/O task has
 * nothing queued is written right away on this thread (see `Io::write_batch`); the bytes the
 * kernel took are accounted here, the rest when the I/O thread reports them.
 */
function flushAll() {
  const sockets = dirty;
  dirty = [];
  flushSockets(sockets, false);
}

/** `[first part index, bytes]` pairs filled by `nioWriteBatch` (grown as needed). */
let writtenNow = new Uint32Array(64);

/**
 * Hands the queued writes of `sockets` over (see `flushAll()`).
 *
 * @param {NativeSocket[]} sockets The sockets
 * @param {Boolean} deferWritten Account bytes written now on the next tick (the caller is
 *   inside a socket method, where write callbacks must not run yet)
 * @private
 */
function flushSockets(sockets, deferWritten) {
  let total = 0;
  let count = 0;
  for (const socket of sockets) {
    socket._scheduled = false;
    const chunks = socket._chunks;
    if (socket.destroyed || chunks.length === 0) continue;
    for (let i = 0; i < chunks.length; i += 3) {
      if (!handedAlone(chunks[i + 2], chunks[i + 1])) total += chunks[i + 1];
    }
    count += chunks.length / 3;
  }
  if (count === 0) return;
  if (total > scratch.length && total <= SCRATCH_MAX) {
    let size = scratch.length;
    while (size < total) size *= 2;
    scratch = Buffer.allocUnsafeSlow(size);
  }
  if (writtenNow.length < 2 * count) writtenNow = new Uint32Array(2 * count);
  const data = total <= scratch.length ? scratch : Buffer.allocUnsafeSlow(total);
  const parts = new Uint32Array(3 * count);
  // The socket of each part, to credit bytes written now.
  const owners = new Array(count);
  const done = [];
  let offset = 0;
  let p = 0;
  let sentParts = 0;
  let sentBytes = 0;
  const sendBatch = () => {
    const pairs = native.nioWriteBatch(parts.subarray(sentParts, p), data.subarray(sentBytes, offset), writtenNow);
    for (let k = 0; k < 2 * pairs; k += 2) {
      done.push(owners[sentParts / 3 + writtenNow[k]], writtenNow[k + 1]);
    }
  };
  for (const socket of sockets) {
    const chunks = socket._chunks;
    if (socket.destroyed || chunks.length === 0) continue;
    const id = socket._id;
    for (let i = 0; i < chunks.length; i += 3) {
      const chunk = chunks[i + 2];
      const length = chunks[i + 1];
      if (handedAlone(chunk, length)) {
        if (p > sentParts) sendBatch();
        const now = native.nioWrite(id, chunks[i], chunk);
        if (now > 0) done.push(socket, now);
        sentParts = p;
        sentBytes = offset;
        continue;
      }
      if (typeof chunk === 'string') data.utf8Write(chunk, offset, length);
      else data.set(chunk, offset);
      offset += length;
      owners[p / 3] = socket;
      parts[p++] = id;
      parts[p++] = chunks[i];
      parts[p++] = length;
    }
    socket._chunks = [];
  }
  if (p > sentParts) sendBatch();
  if (done.length === 0) return;
  if (deferWritten) {
    // Counted now (as a Node socket's length drops when the kernel takes a write), called
    // back on the next tick.
    for (let k = 0; k < done.length; k += 2) done[k]._written += done[k + 1];
    process.nextTick(settleWritten, done);
  } else creditWritten(done);
}

/**
 * Credits bytes the kernel took during a flush to their sockets (write callbacks, `'drain'`).
 *
 * @param {Array} done `[socket, bytes, …]`
 * @private
 */
function creditWritten(done) {
  for (let k = 0; k < done.length; k += 2) done[k]._onWritten(done[k + 1]);
}

/**
 * Runs the write callbacks (and `'drain'`) of bytes already counted as written.
 *
 * @param {Array} done `[socket, bytes, …]`
 * @private
 */
function settleWritten(done) {
  for (let k = 0; k < done.length; k += 2) done[k]._onWritten(0);
}

/**
 * Marks a socket as having writes to hand over.
 *
 * @param {NativeSocket} socket The socket
 * @private
 */
function scheduleFlush(socket) {
  if (socket._scheduled) return;
  socket._scheduled = true;
  if (dirty.push(socket) === 1) process.nextTick(flushAll);
}

module.exports = { flushSockets, scheduleFlush };
