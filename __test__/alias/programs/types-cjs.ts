// Compiled with strict TypeScript under moduleResolution node10 and node16: every name must
// resolve to its declarations (an untyped module is an error under `strict`).
import WebSocket = require('oxws');
import WS = require('oxws/ws');
import driver = require('oxws/driver');
import websocketDriver = require('oxws/websocket-driver');
import deflate = require('oxws/permessage-deflate');
import Faye = require('oxws/faye');
import FayeWebSocket = require('oxws/faye-websocket');
import EventSource = require('oxws/eventsource');
import bufferutil = require('oxws/bufferutil');
import isValidUTF8 = require('oxws/utf-8-validate');

const server: WebSocket.WebSocketServer = new WebSocket.WebSocketServer({ noServer: true });
const client: WS = new WS('ws://127.0.0.1:1');
const d: driver.Client = websocketDriver.client('ws://127.0.0.1/');
const configured: deflate.Deflate = deflate.configure({ level: 1 });
const es: typeof Faye.EventSource = EventSource;
const fws: typeof Faye = FayeWebSocket;
bufferutil.unmask(Buffer.alloc(4), Buffer.alloc(4));
const valid: boolean = isValidUTF8(Buffer.from('ok'));
void [server, client, d, configured, es, fws, valid];
