'use strict';

/**
 * The faye-websocket 0.11 API (`require('oxws/faye')`): the server socket class with
 * `isWebSocket`, `validateOptions`, `WebSocket`, `Client` and `EventSource`.
 */

const WebSocket = require('./websocket');

WebSocket.Client = require('./client');
WebSocket.EventSource = require('./eventsource');

module.exports = WebSocket;
