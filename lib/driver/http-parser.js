'use strict';

/**
 * An HTTP request or response head read from a byte stream (websocket-driver's
 * `HttpParser` shape), parsed by the core (`src/proto/http.rs`: bounded, no regex).
 *
 * After `isComplete()`: `method` / `url` (requests), `statusCode` / `statusMessage`
 * (responses), `headers` (lower-case names; repeated fields joined with `', '`), `body` (the
 * bytes that followed the head in the last chunk), or `error` when the head was malformed.
 */

const native = require('../native');

/** Largest head accepted: 80 KiB (http-parser-js's `maxHeaderSize`). */
const MAX_HEAD_BYTES = 80 * 1024;

class HttpParser {
  /**
   * @param {String} type `'request'` or `'response'`
   */
  constructor(type) {
    this._parser = new native.HttpHeadParser(type === 'response', MAX_HEAD_BYTES);
    this._complete = false;
    this.headers = Object.create(null);
    this.rawHeaders = [];
  }

  /** @return {Boolean} Whether the head has been read (or rejected) */
  isComplete() {
    return this._complete;
  }

  /**
   * Feeds bytes. Bytes after a completed head are only kept as `body` from this chunk.
   *
   * @param {Buffer} chunk The bytes
   */
  parse(chunk) {
    if (this._complete) return;
    if (!Buffer.isBuffer(chunk)) chunk = Buffer.from(chunk);

    let at;
    try {
      at = this._parser.execute(chunk);
    } catch (err) {
      // http-parser-js's message (what websocket-driver shows), with the core's reason.
      this.error = new Error('Parse Error');
      this.error.reason = err.message;
      this._complete = true;
      return;
    }
    if (at < 0) return;

    const parser = this._parser;
    this.method = parser.method;
    this.url = parser.url;
    this.statusCode = parser.statusCode;
    this.statusMessage = parser.statusMessage;
    this.rawHeaders = parser.rawHeaders;

    const headers = {};
    for (let i = 0; i < this.rawHeaders.length; i += 2) {
      const key = this.rawHeaders[i].toLowerCase();
      const value = this.rawHeaders[i + 1];
      if (Object.prototype.hasOwnProperty.call(headers, key)) headers[key] += ', ' + value;
      else Object.defineProperty(headers, key, { value, enumerable: true, writable: true, configurable: true });
    }
    this.headers = headers;
    this.body = chunk.subarray(at);
    this._complete = true;
  }
}

module.exports = HttpParser;
