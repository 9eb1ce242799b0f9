'use strict';

/**
 * `NativeSocket`: the stand-in for `net.Socket` that a WebSocket gets in `nativeIO` mode (its
 * `ws._socket`). The connection itself is read and written by the addon's I/O thread
 * (`src/nio`); this object keeps the subset of the `net.Socket` interface that the ws API
 * uses and that applications read: `remoteAddress`, `remotePort`, `remoteFamily`,
 * `localAddress`, `localPort`, `address()`, `setNoDelay()`, `setKeepAlive()`,
 * `setTimeout()`, `write()` / `cork()` / `uncork()` / `end()` / `destroy()`,
 * `pause()` / `resume()`, `bufferSize` / `writableLength`, the stream state getters
 * `writableEnded`, `writableFinished`, `readableEnded`, `readableLength`, and the events
 * `end`, `drain`, `finish`, `error`, `close`, `timeout`. It fakes no Node stream internals
 * (`_writableState` / `_readableState`): the ws API reads the public getters, and
 * `bufferedLength()` for `bufferedAmount`.
 *
 * It never emits `'data'`: the I/O thread decodes the frames it reads, and the decoded
 * messages, control frames and protocol errors go to the receiver given to `setFrameSink()`,
 * held while paused.
 *
 * Writes are collected per tick and handed over in one native call for all sockets: a
 * socket whose I/O task has nothing queued is written right away on this thread, the rest is
 * queued to the I/O thread. A write's callback runs once its bytes are written to the kernel
 * (counted at once for the first kind, reported by the I/O thread for the second), so
 * `bufferedAmount` stays exact.
 */

const EventEmitter = require('events');
const util = require('util');

const native = require('../native');
const wire = require('../core/wire');
const { flushSockets, scheduleFlush } = require('./flush');

/** The protocol error's kind among the read events held while paused (`src/nio/mod.rs`). */
const { protocolError: PROTOCOL_ERROR } = wire.nio;

/** Bytes queued above which `write()` returns false (and `'drain'` follows), as net.Socket. */
const HIGH_WATER_MARK = 16 * 1024;

/** `head` bits of a write part (`src/nio/mod.rs`): frame it; mask the frame. */
const { headFrame: HEAD_FRAME, headMasked: HEAD_MASKED } = wire.nio;

/**
 * The header length of an unmasked frame with a payload of `n` bytes (a masked one has 4
 * more).
 *
 * @param {Number} n Payload length
 * @return {Number} 2, 4 or 10
 * @private
 */
function headerLength(n) {
  return n < 126 ? 2 : n < 65536 ? 4 : 10;
}

/**
 * The `Error` for an errno reported by the I/O thread, shaped as Node's socket errors.
 *
 * @param {Number} errno The OS error number (0 if unknown)
 * @return {Error} The error
 * @private
 */
function socketError(errno) {
  const name = errno > 0 ? util.getSystemErrorName(-errno) : '';
  const code = name.startsWith('E') ? name : 'EIO';
  const err = new Error(`${errno ? 'read/write' : 'socket'} ${code}`);
  err.code = code;
  err.errno = -errno;
  err.syscall = 'read/write';
  return err;
}

class NativeSocket extends EventEmitter {
  /**
   * @param {Number} id The connection id in the I/O thread
   * @param {Object} info Addresses read from the Node socket before it was released
   */
  constructor(id, info) {
    super();
    this._id = id;
    /** The I/O thread decodes the WebSocket frames (see `setFrameSink()`). */
    this._decodes = true;
    this._frameSink = null;
    this.remoteAddress = info.remoteAddress;
    this.remotePort = info.remotePort;
    this.remoteFamily = info.remoteFamily;
    this.localAddress = info.localAddress;
    this.localPort = info.localPort;
    this.readable = true;
    this.writable = true;
    this.destroyed = false;

    this._chunks = []; // written this tick, not yet handed over
    this._scheduled = false;
    this._corked = 0;
    this._queued = 0; // bytes ever written
    this._written = 0; // bytes the kernel took
    this._callbacks = []; // [end offset, cb] pairs, in order
    this._needDrain = false;
    this._paused = false;
    this._buffered = []; // [kind, data | index, detail] read events that arrived while paused
    this._endPending = false;
    this._timeout = 0;
    this._timer = null;
    this.writableEnded = false; // end() was called
    this.writableFinished = false; // the sending side is shut down ('finish')
    this.readableEnded = false; // 'end' was emitted
  }

  /**
   * Bytes read but not consumed: always 0, since what arrives while paused is held as
   * decoded events for the frame sink, never as bytes (net.Socket's `readableLength`).
   */
  get readableLength() {
    return 0;
  }

  /** Bytes written but not yet taken by the kernel. */
  get writableLength() {
    return this._queued - this._written;
  }

  /** Same as `writableLength` (net.Socket's older name). */
  get bufferSize() {
    return this.writableLength;
  }

  /**
   * Queues bytes.
   *
   * @param {(Buffer|Uint8Array|String)} chunk The bytes
   * @param {(String|Function)} [encoding] Encoding of a string chunk, or the callback
   * @param {Function} [cb] Called once the bytes are written (with an error if they never are)
   * @return {Boolean} False once more than 16 KiB is queued (`'drain'` follows)
   */
  write(chunk, encoding, cb) {
    if (typeof encoding === 'function') {
      cb = encoding;
      encoding = undefined;
    }
    if (!this.writable) {
      const err = new Error(this.destroyed ? 'Cannot call write after a stream was destroyed' : 'write after end');
      err.code = this.destroyed ? 'ERR_STREAM_DESTROYED' : 'ERR_STREAM_WRITE_AFTER_END';
      if (cb) process.nextTick(cb, err);
      return false;
    }
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    if (buf.length === 0) {
      if (cb) process.nextTick(cb);
      return this.writableLength < HIGH_WATER_MARK;
    }
    this._chunks.push(0, buf.length, buf);
    return this._queue(buf.length, cb);
  }

  /**
   * Queues one frame, framed on the I/O thread (the ws API's fast send path).
   *
   * @param {Number} first The first header byte (FIN, RSV and opcode bits)
   * @param {(Buffer|String)} payload The payload (a string is sent as UTF-8)
   * @param {Number} length The payload's length in bytes
   * @param {Boolean} masked Mask it with a random key (client connections)
   * @param {Function} [cb] Called once the frame is written (with an error if it never is)
   * @return {Boolean} False once more than 16 KiB is queued (`'drain'` follows)
   */
  writeFrame(first, payload, length, masked, cb) {
    if (!this.writable) return this.write(payload, cb);
    if (masked) {
      this._chunks.push(HEAD_FRAME | HEAD_MASKED | first, length, payload);
      return this._queue(headerLength(length) + 4 + length, cb);
    }
    this._chunks.push(HEAD_FRAME | first, length, payload);
    return this._queue(headerLength(length) + length, cb);
  }

  /** Accounts for `n` queued bytes and schedules the flush. @private */
  _queue(n, cb) {
    this._queued += n;
    if (cb) this._callbacks.push(this._queued, cb);
    if (this._corked === 0) scheduleFlush(this);
    if (this._timeout !== 0) this._touch();
    if (this.writableLength < HIGH_WATER_MARK) return true;
    this._needDrain = true;
    return false;
  }

  /** Holds writes until `uncork()` (they are handed over per tick anyway). */
  cork() {
    this._corked++;
  }

  /** Releases `cork()`. */
  uncork() {
    if (this._corked > 0 && --this._corked === 0 && this._chunks.length) scheduleFlush(this);
  }

  /** Hands this socket's writes to the I/O thread now (before `end()`). @private */
  _flush() {
    flushSockets([this], true);
  }

  /**
   * Bytes written but not yet taken by the kernel, as a Node socket counts them: this
   * tick's writes are handed over first (unless corked), since a Node socket's writes reach
   * the kernel when they are made. Their callbacks still run on the next tick.
   *
   * @return {Number} Bytes
   * @public
   */
  bufferedLength() {
    if (this._chunks.length && this._corked === 0 && !this.destroyed) this._flush();
    return this.writableLength;
  }

  /**
   * Finishes sending: queued bytes are written, then the sending side is shut down
   * (`'finish'`).
   *
   * @param {Function} [cb] A `'finish'` listener
   * @return {NativeSocket} this
   */
  end(cb) {
    if (typeof cb === 'function') this.once('finish', cb);
    if (!this.writable) return this;
    this.writable = false;
    this.writableEnded = true;
    this._corked = 0;
    this._flush();
    native.nioEnd(this._id);
    return this;
  }

  /**
   * Closes the connection now (`'close'` follows).
   *
   * @param {Error} [err] Emitted as `'error'` first
   * @return {NativeSocket} this
   */
  destroy(err) {
    if (this.destroyed) return this;
    // Bytes written before destroy() go out first, as a Node socket's writes reach the
    // kernel when they are made (a last message, a close frame, the 101 response).
    if (this._chunks.length) this._flush();
    this.destroyed = true;
    this.readable = false;
    this.writable = false;
    this._clearTimer();
    native.nioDestroy(this._id);
    if (err) process.nextTick(() => this.emit('error', err));
    return this;
  }

  /** Stops reading (events already on their way are held until `resume()`). */
  pause() {
    if (this._paused) return this;
    this._paused = true;
    if (!this.destroyed) native.nioPause(this._id, true);
    return this;
  }

  /** Restarts reading. */
  resume() {
    if (!this._paused) return this;
    this._paused = false;
    if (!this.destroyed) native.nioPause(this._id, false);
    if (this._buffered.length || this._endPending) process.nextTick(releaseBuffered, this);
    return this;
  }

  /** @return {Boolean} Whether reading is paused */
  isPaused() {
    return this._paused;
  }

  /**
   * Where decoded frames go (`_nativeFrame(kind, data)` / `_nativeError(index, detail)`):
   * the WebSocket's receiver.
   *
   * @param {Object} sink The receiver
   */
  setFrameSink(sink) {
    this._frameSink = sink;
  }

  /**
   * `'timeout'` after `ms` without reads or writes (0 turns it off), as net.Socket.
   *
   * @param {Number} ms Milliseconds
   * @param {Function} [cb] A `'timeout'` listener
   * @return {NativeSocket} this
   */
  setTimeout(ms, cb) {
    this._timeout = ms > 0 ? ms : 0;
    if (cb) this.once('timeout', cb);
    this._touch();
    return this;
  }

  /** TCP_NODELAY is set on the connection before it is handed over; kept for the interface. */
  setNoDelay() {
    return this;
  }

  /** Keep-alive stays as the Node socket had it; kept for the interface. */
  setKeepAlive() {
    return this;
  }

  /** @return {Object} `{ address, family, port }` of the local end */
  address() {
    return { address: this.localAddress, family: this.remoteFamily, port: this.localPort };
  }

  /** Kept for the interface: a connection keeps the process alive while it is open. */
  ref() {
    return this;
  }

  /** Kept for the interface. */
  unref() {
    return this;
  }

  /** Restarts the inactivity timer. @private */
  _touch() {
    if (this._timeout === 0) {
      this._clearTimer();
      return;
    }
    if (this._timer) this._timer.refresh();
    else this._timer = setTimeout(() => this.emit('timeout'), this._timeout).unref();
  }

  /** @private */
  _clearTimer() {
    if (this._timer) clearTimeout(this._timer);
    this._timer = null;
  }

  /** A decoded frame event. @private */
  _onFrame(kind, data) {
    this._deliver(kind, data, 0);
  }

  /** The protocol error that ended the stream. @private */
  _onProtocolError(index, detail) {
    this._deliver(PROTOCOL_ERROR, index, detail);
  }

  /** Delivers a read event now, or holds it while paused. @private */
  _deliver(kind, a, b) {
    if (this._paused || this._buffered.length) {
      this._buffered.push([kind, a, b]);
      return;
    }
    emitRead(this, kind, a, b);
  }

  /** The kernel took `n` more bytes. @private */
  _onWritten(n) {
    this._written += n;
    const callbacks = this._callbacks;
    let i = 0;
    while (i < callbacks.length && callbacks[i] <= this._written) i += 2;
    if (i > 0) {
      const done = callbacks.splice(0, i);
      for (let j = 1; j < done.length; j += 2) done[j]();
    }
    if (this._needDrain && this.writableLength === 0) {
      this._needDrain = false;
      this.emit('drain');
    }
  }

  /** The peer sent FIN. @private */
  _onEnd() {
    if (this._paused || this._buffered.length) {
      this._endPending = true;
      return;
    }
    this._emitEnd();
  }

  /** @private */
  _emitEnd() {
    this._endPending = false;
    this.readable = false;
    this.readableEnded = true;
    this.emit('end');
    // allowHalfOpen is false, as on the sockets of an http.Server.
    if (this.writable) this.end();
  }

  /** The sending side is shut down. @private */
  _onFinished() {
    this.writableFinished = true;
    this.emit('finish');
  }

  /** A socket error (the connection closes next). @private */
  _onError(errno) {
    this._error = socketError(errno);
    if (!this.destroyed) this.emit('error', this._error);
  }

  /** The connection is closed. @private */
  _onClosed() {
    this.destroyed = true;
    this.readable = false;
    this.writable = false;
    this._clearTimer();
    // Events held while paused still reach the receiver (a closing Node socket's buffered
    // bytes are fed to it the same way).
    if (this._frameSink !== null && this._buffered.length) {
      const held = this._buffered;
      this._buffered = [];
      for (const [kind, a, b] of held) emitRead(this, kind, a, b);
    }
    // Writes the kernel took call back without an error, the rest with one.
    this._needDrain = false;
    this._onWritten(0);
    const callbacks = this._callbacks;
    this._callbacks = [];
    if (callbacks.length) {
      const err = new Error('Cannot call write after a stream was destroyed');
      err.code = 'ERR_STREAM_DESTROYED';
      for (let j = 1; j < callbacks.length; j += 2) callbacks[j](err);
    }
    this.emit('close', this._error !== undefined);
  }
}

/**
 * Emits what was held while paused, then a pending `'end'`.
 *
 * @param {NativeSocket} socket The socket
 * @private
 */
function releaseBuffered(socket) {
  while (!socket._paused && socket._buffered.length) {
    const [kind, a, b] = socket._buffered.shift();
    emitRead(socket, kind, a, b);
  }
  if (!socket._paused && socket._endPending) socket._emitEnd();
}

/**
 * Hands a decoded event to the frame sink.
 *
 * @private
 */
function emitRead(socket, kind, a, b) {
  if (socket._timer) socket._touch();
  if (socket._frameSink === null) return;
  if (kind === PROTOCOL_ERROR) socket._frameSink._nativeError(a, b);
  else socket._frameSink._nativeFrame(kind, a);
}

module.exports = { NativeSocket };
