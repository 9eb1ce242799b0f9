'use strict';

/**
 * `createWebSocketStream(ws, options)`: a Duplex over a WebSocket, with ws 8.23's behaviour
 * (messages are readable chunks, writes are sent as messages, the readable side pauses the
 * socket when full, `end()` starts the closing handshake, `destroy()` terminates).
 */

const { Duplex } = require('stream');

/**
 * Emits `'close'` on the stream.
 *
 * @private
 */
function emitClose(stream) {
  stream.emit('close');
}

/**
 * Duplex `'end'`: destroy once both sides are done.
 *
 * @private
 */
function duplexOnEnd() {
  if (!this.destroyed && this._writableState.finished) this.destroy();
}

/**
 * Duplex `'error'`: destroy, and keep the error throwing when nobody listens.
 *
 * @private
 */
function duplexOnError(err) {
  this.removeListener('error', duplexOnError);
  this.destroy();
  if (this.listenerCount('error') === 0) this.emit('error', err);
}

/**
 * Wraps a WebSocket in a Duplex stream.
 *
 * @param {WebSocket} ws The WebSocket
 * @param {Object} [options] Duplex options (`objectMode` is forced off; with
 *     `readableObjectMode` text messages are read as strings)
 * @return {Duplex} The stream
 * @public
 */
function createWebSocketStream(ws, options) {
  let terminateOnDestroy = true;

  const duplex = new Duplex({
    ...options,
    autoDestroy: false,
    emitClose: false,
    objectMode: false,
    writableObjectMode: false
  });

  ws.on('message', function message(msg, isBinary) {
    const data = !isBinary && duplex._readableState.objectMode ? msg.toString() : msg;
    if (!duplex.push(data)) ws.pause();
  });

  ws.once('error', function error(err) {
    if (duplex.destroyed) return;

    // The WebSocket already closes itself after an error (sending a close frame); a
    // terminate() from _destroy() could cut that frame off.
    terminateOnDestroy = false;
    duplex.destroy(err);
  });

  ws.once('close', function close() {
    if (duplex.destroyed) return;
    duplex.push(null);
  });

  duplex._destroy = function (err, callback) {
    if (ws.readyState === ws.CLOSED) {
      callback(err);
      process.nextTick(emitClose, duplex);
      return;
    }

    let called = false;

    ws.once('error', function error(e) {
      called = true;
      callback(e);
    });

    ws.once('close', function close() {
      if (!called) callback(err);
      process.nextTick(emitClose, duplex);
    });

    if (terminateOnDestroy) ws.terminate();
  };

  duplex._final = function (callback) {
    if (ws.readyState === ws.CONNECTING) {
      ws.once('open', function open() {
        duplex._final(callback);
      });
      return;
    }

    // A client whose handshake failed has no socket: its 'error' event follows.
    if (ws._socket === null) return;

    if (ws._socket.writableFinished) {
      callback();
      if (duplex._readableState.endEmitted) duplex.destroy();
    } else {
      ws._socket.once('finish', function finish() {
        // 'end' follows when the WebSocket emits 'close' (it pushes null).
        callback();
      });
      ws.close();
    }
  };

  duplex._read = function () {
    if (ws.isPaused) ws.resume();
  };

  duplex._write = function (chunk, encoding, callback) {
    if (ws.readyState === ws.CONNECTING) {
      ws.once('open', function open() {
        duplex._write(chunk, encoding, callback);
      });
      return;
    }

    ws.send(chunk, callback);
  };

  duplex.on('end', duplexOnEnd);
  duplex.on('error', duplexOnError);

  return duplex;
}

module.exports = createWebSocketStream;
