'use strict';

/**
 * Encode-once broadcast: one message to many server-side sockets, framed once (and
 * compressed once per distinct deflate setting), instead of the ws README loop that frames,
 * and compresses, the same message once per client.
 *
 * A socket gets the shared bytes when it is OPEN, is a server-side socket (clients mask
 * every frame with their own key), and has nothing queued or half-sent (a Blob being read,
 * a fragmented message in progress); otherwise it gets a plain `send()`, so per-socket
 * ordering is always kept. Sockets written by a broadcast stay corked until the next tick:
 * broadcasts made in the same tick leave in one write per socket.
 */

const core = require('../core/sender');
const Sender = require('./sender');
const PerMessageDeflate = require('./permessage-deflate');
const backpressure = require('./backpressure');

const OPEN = 1;

/** Sockets corked by broadcasts in the current tick; uncorked together on the next one. */
let corked = [];

/** Uncorks every socket a broadcast corked in the tick that just ended. */
function uncorkAll() {
  const sockets = corked;
  corked = [];
  for (const socket of sockets) {
    socket[kCorked] = false;
    socket.uncork();
  }
}

const kCorked = Symbol('oxws.broadcastCorked');

/**
 * Corks `socket` until the next tick, so that every broadcast of this tick leaves in one
 * write per socket (a burst of N broadcasts costs one syscall per client, not N).
 *
 * @param {net.Socket} socket The socket
 * @private
 */
function corkForTick(socket) {
  if (socket[kCorked]) return;
  socket[kCorked] = true;
  socket.cork();
  if (corked.push(socket) === 1) process.nextTick(uncorkAll);
}

/**
 * Sends `data` to every OPEN socket of `sockets` that `options.filter` accepts.
 *
 * @param {Iterable<WebSocket>} sockets The sockets
 * @param {*} data The message (as `ws.send()` takes it)
 * @param {Object} [options] Options
 * @param {Boolean} [options.binary] Binary (default: not a string)
 * @param {Boolean} [options.compress=true] Compress where permessage-deflate was negotiated
 * @param {Function} [options.filter] `(ws) => Boolean`
 * @return {Number} How many sockets it was sent to (sockets over their `maxBackpressure`
 *     are not counted)
 */
function broadcast(sockets, data, options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('The "options" argument must be an object');
  }
  const filter = options.filter;
  if (filter !== undefined && typeof filter !== 'function') {
    throw new TypeError('The "filter" option must be a function');
  }
  const binary = options.binary !== undefined ? !!options.binary : typeof data !== 'string';
  const compress = options.compress !== false;
  const opcode = binary ? core.OPCODE_BINARY : core.OPCODE_TEXT;
  // Blobs (read asynchronously) go through each socket's own send().
  const bytes =
    typeof data === 'string' || ArrayBuffer.isView(data) || data instanceof ArrayBuffer;

  let payload = null;
  let plain = null;
  let compressed = null;
  let count = 0;

  for (const ws of sockets) {
    if (ws.readyState !== OPEN || (filter !== undefined && !filter(ws))) continue;

    const sender = ws._sender;
    if (
      !ws._isServer ||
      !bytes ||
      !sender.isIdle()
    ) {
      if (ws._maxBackpressure > 0 && !backpressure.admit(ws, backpressure.sizeOf(data))) continue;
      ws.send(data, { binary, compress });
      count++;
      continue;
    }

    if (payload === null) payload = toBuffer(data);
    if (ws._maxBackpressure > 0 && !backpressure.admit(ws, payload.length)) continue;
    count++;
    corkForTick(ws._socket);

    const deflate = ws._extensions[PerMessageDeflate.extensionName];
    if (compress && deflate && deflate.shouldCompress(payload.length)) {
      if (compressed === null) compressed = new Map();
      const key = deflate.encodingKey();
      let frame = compressed.get(key);
      if (frame === undefined) {
        frame = core.frameCompressed(freshDeflater(key), payload, opcode, { fin: true, rsv1: true });
        compressed.set(key, frame);
      }
      sender.sendFrame(frame);
      deflate.remember(payload);
    } else {
      if (plain === null) plain = Sender.frame(payload, { opcode, fin: true, mask: false, readOnly: true });
      sender.sendFrame(plain);
    }
  }

  return count;
}

/** Compressors without history (fresh streams any peer can take), by `level:windowBits`. */
const fresh = new Map();

/**
 * @param {String} key `level:windowBits`
 * @return {Object} A `frame(data, flags, mask)` compressor producing fresh streams
 * @private
 */
function freshDeflater(key) {
  let deflater = fresh.get(key);
  if (deflater === undefined) {
    const [level, bits] = key.split(':').map(Number);
    deflater = new (require('../native').Deflater)(level, bits, true);
    fresh.set(key, deflater);
  }
  return deflater;
}

/**
 * @param {(String|Buffer|ArrayBuffer|ArrayBufferView)} data The message
 * @return {Buffer} Its bytes (a view, not a copy, for binary data)
 * @private
 */
function toBuffer(data) {
  if (typeof data === 'string') return Buffer.from(data);
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

module.exports = broadcast;
