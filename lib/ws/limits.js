'use strict';

/**
 * Default limits of `WebSocketServer` and `WebSocket` (ws 8.23's), in one place: the receive
 * limits come from the core (`src/proto/config.rs`, through `lib/core/wire.js`).
 */

const { limits } = require('../core/wire');

module.exports = Object.freeze({
  /** Largest message in bytes, summed over its fragments: 104857600 (100 MiB); 0 = none. */
  maxPayload: limits.maxPayload,
  /** Most data frames in one message: 16384; 0 = none. */
  maxFragments: limits.maxFragments,
  /** Most socket chunks received while one frame is incomplete: 262144; 0 = none. */
  maxBufferedChunks: limits.maxBufferedChunks,
  /** Automatic pongs queued but not written; one more ping terminates: 60; 0 = none. */
  maxPendingAutoPongs: 60
});
