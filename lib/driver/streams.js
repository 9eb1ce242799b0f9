'use strict';

/**
 * The two classic streams of a driver (websocket-driver's `streams.js`):
 *
 * - `io`: bytes. Write socket bytes into it (`parse()`); it emits the bytes to send.
 * - `messages`: messages. Write strings / Buffers into it (`text()` / `binary()`); it emits
 *   the messages received.
 *
 * Backpressure as upstream: pausing `io` (its destination is backed up) makes both
 * `io.write()` and `messages.write()` return false until `resume()`; pausing `messages` makes
 * `io.write()` return false.
 */

const { Stream } = require('stream');

class IO extends Stream {
  /** @param {Object} driver The driver */
  constructor(driver) {
    super();
    this.readable = this.writable = true;
    this._paused = false;
    this._driver = driver;
  }

  /** The socket we pipe to is backed up. */
  pause() {
    this._paused = true;
    this._driver.messages._paused = true;
  }

  /** The socket we pipe to drained. */
  resume() {
    this._paused = false;
    this.emit('drain');

    const messages = this._driver.messages;
    messages._paused = false;
    messages.emit('drain');
  }

  /**
   * Bytes from the socket.
   *
   * @param {Buffer} chunk The bytes
   * @return {Boolean} Whether the source may keep writing
   */
  write(chunk) {
    if (!this.writable) return false;
    this._driver.parse(chunk);
    return !this._paused;
  }

  /**
   * The socket ended: no more messages will come.
   *
   * @param {Buffer} [chunk] Last bytes
   */
  end(chunk) {
    if (!this.writable) return;
    if (chunk !== undefined) this.write(chunk);
    this.writable = false;

    const messages = this._driver.messages;
    if (messages.readable) {
      messages.readable = messages.writable = false;
      messages.emit('end');
    }
  }

  destroy() {
    this.end();
  }
}

class Messages extends Stream {
  /** @param {Object} driver The driver */
  constructor(driver) {
    super();
    this.readable = this.writable = true;
    this._paused = false;
    this._driver = driver;
  }

  /** The application is backed up. */
  pause() {
    this._driver.io._paused = true;
  }

  /** The application drained. */
  resume() {
    this._driver.io._paused = false;
    this._driver.io.emit('drain');
  }

  /**
   * A message to send: strings as text, anything else as binary.
   *
   * @param {(String|Buffer)} message The message
   * @return {Boolean} Whether the source may keep writing
   */
  write(message) {
    if (!this.writable) return false;
    if (typeof message === 'string') this._driver.text(message);
    else this._driver.binary(message);
    return !this._paused;
  }

  /**
   * One of possibly many sources ended; the socket stays open.
   *
   * @param {(String|Buffer)} [message] A last message
   */
  end(message) {
    if (message !== undefined) this.write(message);
  }

  destroy() {}
}

module.exports = { IO, Messages };
