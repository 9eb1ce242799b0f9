'use strict';

/**
 * Opt-in backpressure limit (`maxBackpressure` bytes, `backpressurePolicy`): a send that
 * would push a socket's `bufferedAmount` past the limit is not written. With the `'close'`
 * policy (default) the socket is closed with 1008; with `'drop'` only that message is
 * dropped. Either way the send's callback gets an error with code
 * `WS_ERR_BACKPRESSURE_LIMIT`. So a slow reader can no longer grow the server's memory
 * without bound: at most the limit plus one close frame stays queued per socket.
 */

const POLICIES = ['close', 'drop'];

/** Close code for the `'close'` policy (policy violation). */
const CLOSE_CODE = 1008;

/**
 * Checks the options.
 *
 * @param {*} max `maxBackpressure` (bytes; 0 or undefined = off)
 * @param {*} policy `backpressurePolicy`
 * @return {Object} `{max, drop}`
 * @throws {TypeError|RangeError} Naming the option
 */
function validate(max, policy) {
  if (max === undefined || max === null) max = 0;
  if (typeof max !== 'number' || Number.isNaN(max)) {
    throw new TypeError('The "maxBackpressure" option must be a number of bytes');
  }
  if (max < 0 || !Number.isFinite(max)) {
    throw new RangeError('The "maxBackpressure" option must be >= 0 and finite');
  }
  if (policy === undefined) policy = 'close';
  if (!POLICIES.includes(policy)) {
    throw new TypeError(`The "backpressurePolicy" option must be 'close' or 'drop'`);
  }
  return { max: Math.floor(max), drop: policy === 'drop' };
}

/**
 * Whether `byteLength` more bytes fit under the socket's limit; if not, applies the
 * policy and reports the error to `cb` (asynchronously, like a write error).
 *
 * @param {WebSocket} ws The socket (with `_maxBackpressure` > 0)
 * @param {Number} byteLength The bytes about to be queued (payload; framing is not counted)
 * @param {Function} [cb] The send callback
 * @return {Boolean} `true` to send
 */
function admit(ws, byteLength, cb) {
  const queued = queuedBytes(ws);
  if (queued + byteLength <= ws._maxBackpressure) return true;
  const err = new Error(`Backpressure limit exceeded: ${queued} bytes buffered, limit ${ws._maxBackpressure}`);
  err.code = 'WS_ERR_BACKPRESSURE_LIMIT';
  if (cb) process.nextTick(cb, err);
  if (!ws._backpressureDrop && ws.readyState === 1) ws.close(CLOSE_CODE, 'Backpressure limit exceeded');
  return false;
}

/**
 * `ws.bufferedAmount` without handing a nativeIO socket's writes of this tick over first
 * (they are counted as queued, so that checking every send keeps them batched).
 *
 * @param {WebSocket} ws The socket
 * @return {Number} Bytes
 */
function queuedBytes(ws) {
  if (!ws._socket) return ws.bufferedAmount;
  return ws._socket.writableLength + ws._sender._bufferedBytes;
}

/**
 * The payload size of what `send()` got, without copying.
 *
 * @param {*} data The data
 * @return {Number} Bytes
 */
function sizeOf(data) {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data === undefined || data === null) return 0;
  if (typeof data.byteLength === 'number') return data.byteLength;
  if (typeof data.size === 'number') return data.size;
  return 0;
}

module.exports = { validate, admit, sizeOf, CLOSE_CODE };
