'use strict';

/**
 * `nativeIO` mode: hands an upgraded plain-TCP connection to the addon's I/O thread
 * (`src/nio`, tokio) and routes the thread's event batches to the `NativeSocket`s that stand
 * in for the Node sockets. One call from the I/O thread per batch, whatever the number of
 * connections and reads in it.
 */

const net = require('net');

const native = require('../native');
const wire = require('../core/wire');
const { NativeSocket } = require('./socket');

/** Event kinds (see `src/nio/mod.rs`). */
const {
  written: WRITTEN,
  end: END,
  finished: FINISHED,
  error: ERROR,
  closed: CLOSED,
  text: TEXT,
  binary: BINARY,
  ping: PING,
  pong: PONG,
  close: CLOSE,
  protocolError: PROTOCOL_ERROR
} = wire.nio;

/**
 * A batch's bytes up to this size are copied into a slice of Node's Buffer pool (cheaper than
 * making a Buffer of the addon's memory, which costs ~1 us and a finalizer); larger ones are
 * handed over without a copy.
 */
const COPY_DATA_MAX = 4096;
/** Event slots at first (255 events), and the most kept once a burst's batch is dispatched. */
const EVENTS_INITIAL = 1024;
const EVENTS_KEEP = 16 * 1024;
const EMPTY = Buffer.alloc(0);

/** Open native sockets by connection id. */
const sockets = new Map();
let started = false;
/** The events of the batch being dispatched (`nioTakeInto`), reused; grown as needed. */
let events = new Uint32Array(EVENTS_INITIAL);
/**
 * The batch being dispatched: `[data, slots used in events, next index]`; left set when a
 * listener threw, until the rest is dispatched.
 */
let backlog = null;

/**
 * Called by the I/O thread (through a threadsafe function) when events wait.
 *
 * @private
 */
function onEvents() {
  if (backlog === null) {
    let slots = native.nioTakeInto(events);
    if (slots < 0) {
      events = new Uint32Array(Math.max(-slots, events.length * 2));
      slots = native.nioTakeInto(events);
    }
    const length = events[2];
    let data = EMPTY;
    if (length > COPY_DATA_MAX) {
      data = native.nioTakeData();
    } else if (length > 0) {
      data = Buffer.allocUnsafe(length);
      native.nioTakeDataInto(data);
    }
    backlog = [data, slots, 4];
  }
  dispatch();
}

/**
 * Dispatches the backlog. If a listener throws, the rest is dispatched on the next tick and
 * the error propagates (as it would from a Node socket's listener), so no event is lost.
 *
 * @private
 */
function dispatch() {
  if (backlog === null) return;
  const [data, slots] = backlog;
  let i = backlog[2];
  try {
    for (; i < slots; i += 4) {
      const id = events[i + 1];
      const socket = sockets.get(id);
      if (socket === undefined) continue;
      switch (events[i]) {
        case WRITTEN:
          socket._onWritten(events[i + 3]);
          break;
        case END:
          socket._onEnd();
          break;
        case FINISHED:
          socket._onFinished();
          break;
        case ERROR:
          socket._onError(events[i + 2]);
          break;
        case CLOSED:
          sockets.delete(id);
          socket._onClosed();
          break;
        case TEXT:
        case BINARY:
        case PING:
        case PONG:
        case CLOSE:
          socket._onFrame(events[i], data.subarray(events[i + 2], events[i + 2] + events[i + 3]));
          break;
        case PROTOCOL_ERROR:
          socket._onProtocolError(events[i + 2], events[i + 3]);
          break;
      }
    }
  } catch (err) {
    backlog[2] = i + 4;
    process.nextTick(dispatch);
    throw err;
  }
  backlog = null;
  if (events.length > EVENTS_KEEP) events = new Uint32Array(EVENTS_INITIAL);
}

/**
 * Whether `socket` can be handed over: a plain TCP `net.Socket` with an open descriptor
 * (TLS and IPC connections stay on Node sockets).
 *
 * @param {Duplex} socket The upgraded socket
 * @return {Boolean} Whether nativeIO can take it
 */
function canAdopt(socket) {
  return (
    socket instanceof net.Socket &&
    !socket.encrypted &&
    (socket.remoteFamily === 'IPv4' || socket.remoteFamily === 'IPv6') &&
    socket._handle != null &&
    typeof socket._handle.fd === 'number' &&
    socket._handle.fd >= 0 &&
    socket.writableLength === 0
  );
}

/**
 * Hands a connection to the I/O thread and releases the Node socket without ending the
 * connection (the descriptor is duplicated first, so closing Node's does not close it).
 *
 * @param {net.Socket} socket An upgraded socket that `canAdopt()` accepts
 * @param {Buffer} head Bytes already read after the request
 * @param {Object} decode How the I/O thread decodes the WebSocket frames it reads
 * @param {Object} decode.config `decoderConfig()` of `lib/core/receiver`
 * @param {Object} [decode.inflate] `{ windowBits, noContextTakeover }` for permessage-deflate
 * @return {NativeSocket} The stand-in (every byte Node had read goes to the I/O thread first)
 */
function adopt(socket, head, decode) {
  if (!started) {
    native.nioStart(onEvents);
    started = true;
  }
  // Everything Node already read (this tick: nothing more can arrive before destroy()).
  const chunks = head.length ? [head] : [];
  for (let chunk; (chunk = socket.read()) !== null; ) chunks.push(chunk);
  const info = {
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    remoteFamily: socket.remoteFamily,
    localAddress: socket.localAddress,
    localPort: socket.localPort
  };
  socket.setNoDelay(true);
  const { config, inflate } = decode;
  const id = native.nioAdopt(
    socket._handle.fd,
    chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
    config.bits,
    config.maxPayload,
    config.maxFragments,
    config.maxBufferedChunks,
    inflate ? inflate.windowBits : 0,
    inflate ? inflate.noContextTakeover : false
  );
  socket.destroy();
  const stand = new NativeSocket(id, info);
  sockets.set(id, stand);
  return stand;
}

/**
 * The inbox bounds: `[bytes of one connection's events, bytes of all connections' events]`
 * waiting for JS (`src/nio`: 1 MiB, 16 MiB). A connection over its share, or any connection
 * once the whole is reached, is not read until JS takes the batch.
 *
 * @return {Number[]} The two bounds in bytes
 */
function inboxLimits() {
  return [wire.nio.connectionInboxMax, wire.nio.inboxMax];
}

/**
 * The most bytes the inbox held (events waiting for JS) since the last call.
 *
 * @return {Number} Bytes (0 before the first connection)
 */
function inboxPeak() {
  return started ? native.nioInboxPeak() : 0;
}

module.exports = { adopt, canAdopt, inboxLimits, inboxPeak, NativeSocket };
