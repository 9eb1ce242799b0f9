'use strict';

/**
 * `nativeIO` for the ws API (servers and clients): once the handshake is done, a plain-TCP
 * connection is handed to the addon's I/O thread, which decodes its frames with the
 * connection's limits (and inflates them when permessage-deflate was negotiated).
 */

const PerMessageDeflate = require('./permessage-deflate');
const { decoderConfig } = require('../core/receiver');

/** `lib/nio`, loaded on first use (only `nativeIO` connections need it). */
let nio = null;

/**
 * Hands `socket` to the I/O thread when it can take it (a plain TCP `net.Socket`; TLS and
 * IPC connections stay on Node sockets).
 *
 * @param {net.Socket} socket The upgraded socket
 * @param {Buffer} head Bytes already read after the handshake
 * @param {Object} extensions The negotiated extensions
 * @param {Boolean} isServer Whether this is the server side (frames must be masked)
 * @param {Object} options The server's or client's options (limits)
 * @param {Number} [options.maxBufferedChunks] Most chunks buffered for one frame
 * @param {Number} [options.maxFragments] Most fragments in one message
 * @param {Number} [options.maxPayload] Largest message
 * @param {Boolean} [options.skipUTF8Validation] Skip UTF-8 validation
 * @return {(NativeSocket|null)} The stand-in socket, or `null` if the socket stays in Node
 */
function adoptConnection(socket, head, extensions, isServer, options) {
  if (nio === null) nio = require('../nio');
  if (!nio.canAdopt(socket)) return null;
  const deflate = extensions[PerMessageDeflate.extensionName];
  // The limits are coerced as the Node-socket Receiver (and ws's) coerces them: `| 0`.
  const config = decoderConfig({
    isServer,
    skipUTF8Validation: options.skipUTF8Validation,
    compression: !!deflate,
    maxPayload: options.maxPayload | 0,
    maxFragments: options.maxFragments | 0,
    maxBufferedChunks: options.maxBufferedChunks | 0
  });
  const inflate = deflate && deflate.params ? deflate.inflateSettings() : null;
  return nio.adopt(socket, head, { config, inflate });
}

module.exports = { adoptConnection };
