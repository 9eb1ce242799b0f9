// Every documented name of the oxws package, imported from an ES module.
import WebSocket, { WebSocketServer } from 'oxws';
import WS from 'oxws/ws';
import driver from 'oxws/driver';
import websocketDriver from 'oxws/websocket-driver';
import deflate from 'oxws/permessage-deflate';
import Faye from 'oxws/faye';
import FayeWebSocket from 'oxws/faye-websocket';
import EventSource from 'oxws/eventsource';
import bufferutil from 'oxws/bufferutil';
import isValidUTF8 from 'oxws/utf-8-validate';

console.log(
  JSON.stringify({
    ws: typeof WebSocket === 'function' && typeof WebSocketServer === 'function' && WS === WebSocket,
    driver: typeof driver.client === 'function' && driver === websocketDriver,
    deflate: deflate.name,
    faye: typeof Faye === 'function' && Faye === FayeWebSocket && typeof Faye.Client === 'function',
    eventsource: typeof EventSource.isEventSource === 'function',
    bufferutil: typeof bufferutil.mask === 'function',
    utf8: isValidUTF8(Buffer.from('ok'))
  })
);
