// Compiled with strict TypeScript under moduleResolution bundler (ES module syntax).
import WebSocket, { WebSocketServer } from 'oxws';
import driver from 'oxws/driver';
import deflate from 'oxws/permessage-deflate';
import Faye from 'oxws/faye';
import EventSource from 'oxws/eventsource';
import bufferutil from 'oxws/bufferutil';
import isValidUTF8 from 'oxws/utf-8-validate';

const server: WebSocketServer = new WebSocketServer({ noServer: true });
const client: WebSocket = new WebSocket('ws://127.0.0.1:1');
const d: driver.Client = driver.client('ws://127.0.0.1/');
const configured: deflate.Deflate = deflate.configure({ level: 1 });
const es: Faye.EventSourceConstructor = EventSource;
bufferutil.unmask(Buffer.alloc(4), Buffer.alloc(4));
const valid: boolean = isValidUTF8(Buffer.from('ok'));
void [server, client, d, configured, es, valid];
