/**
 * ESM entry: ws's named exports, websocket-driver's functions, bufferutil's, plus the default
 * export (the callable WebSocket function).
 * Like ws, there is no named `Server` export (ws #2145).
 */
import WebSocket from './index.js';

export const createWebSocketStream = WebSocket.createWebSocketStream;
export const extension = WebSocket.extension;
export const PerMessageDeflate = WebSocket.PerMessageDeflate;
export const Receiver = WebSocket.Receiver;
export const Sender = WebSocket.Sender;
export const subprotocol = WebSocket.subprotocol;
export const WebSocketServer = WebSocket.WebSocketServer;
export const Client = WebSocket.Client;
export const EventSource = WebSocket.EventSource;
export const client = WebSocket.client;
export const server = WebSocket.server;
export const http = WebSocket.http;
export const isWebSocket = WebSocket.isWebSocket;
export const isSecureRequest = WebSocket.isSecureRequest;
export const validateOptions = WebSocket.validateOptions;
export const mask = WebSocket.mask;
export const unmask = WebSocket.unmask;
export const isValidUTF8 = WebSocket.isValidUTF8;
export { WebSocket };
export default WebSocket;
