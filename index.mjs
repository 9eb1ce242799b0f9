/**
 * ESM entry: ws's named exports plus the default export (the callable WebSocket function).
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
export const mask = WebSocket.mask;
export const unmask = WebSocket.unmask;
export const isValidUTF8 = WebSocket.isValidUTF8;
export { WebSocket };
export default WebSocket;
