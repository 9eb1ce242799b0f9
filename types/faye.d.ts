// Types for `oxws/faye`: the faye-websocket 0.11 API (shapes of @types/faye-websocket).

import { IncomingMessage, ServerResponse } from 'http';
import { Duplex, Stream } from 'stream';
import { ConnectionOptions } from 'tls';
import { NetConnectOpts } from 'net';
import { Extension } from './driver';

declare namespace FayeWebSocket {
  /** faye's event object. */
  interface Event {
    type: string;
    target?: unknown;
    currentTarget?: unknown;
    eventPhase?: number;
    bubbles?: boolean;
    cancelable?: boolean;
    initEvent(eventType: string, canBubble: boolean, cancelable: boolean): void;
    stopPropagation(): void;
    preventDefault(): void;
  }
  interface MessageEvent extends Event {
    /** A string for text messages, a Buffer for binary ones. */
    data: string | Buffer;
  }
  interface ErrorEvent extends Event {
    message: string;
  }
  interface CloseEvent extends Event {
    code: number;
    reason: string;
  }

  /** Options of server sockets. Unknown keys throw `Unrecognized option: <key>`. */
  interface ServerOptions {
    /** Extra response headers. */
    headers?: { [name: string]: string | number };
    /** websocket-extensions objects, e.g. `require('oxws/permessage-deflate')`. */
    extensions?: Extension[];
    /** Largest message in bytes. Default 2^26 - 1. */
    maxLength?: number;
    /** Send a ping every this many seconds. */
    ping?: number;
    /** Accept hixie-75/76 handshakes (upstream cannot pass it). */
    allowDrafts?: boolean;
  }

  /** Options of clients. */
  interface ClientOptions extends ServerOptions {
    /** Connect through an HTTP proxy with `CONNECT`. */
    proxy?: { origin: string; headers?: { [name: string]: string }; tls?: ConnectionOptions };
    /** TLS options for `wss:` (e.g. `ca`). */
    tls?: ConnectionOptions;
    /** Legacy shorthand for `tls.ca`. */
    ca?: ConnectionOptions['ca'];
    /** `net.connect` options (e.g. `family`). */
    net?: Partial<NetConnectOpts>;
  }

  /** What server sockets and clients share (faye semantics). */
  interface API extends NodeJS.ReadWriteStream {
    readonly readyState: 0 | 1 | 2 | 3;
    /** Bytes queued to the socket (real; upstream always reports 0). */
    readonly bufferedAmount: number;
    /** The negotiated subprotocol, `''` when none. */
    protocol: string;
    url: string;
    /** `'hybi-13'`, `'hixie-76'`, … */
    version: string;
    readable: boolean;
    writable: boolean;

    onopen: ((event: Event) => void) | null;
    onmessage: ((event: MessageEvent) => void) | null;
    onerror: ((event: ErrorEvent) => void) | null;
    onclose: ((event: CloseEvent) => void) | null;

    /** Queued while connecting; strings are text, Buffers binary. */
    send(data: string | Buffer | number): boolean;
    /** `callback` runs when the matching pong arrives. */
    ping(message?: string, callback?: () => void): boolean;
    /** Only 1000 or 3000-4999 (anything else throws). */
    close(code?: number, reason?: string): void;

    addEventListener(type: 'open', listener: (event: Event) => void): void;
    addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
    addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
    addEventListener(type: 'close', listener: (event: CloseEvent) => void): void;
    addEventListener(type: string, listener: (event: any) => void): void;
    removeEventListener(type: string, listener: (event: any) => void): void;
    dispatchEvent(event: Event): void;

    on(event: 'open', listener: (event: Event) => void): this;
    on(event: 'message', listener: (event: MessageEvent) => void): this;
    on(event: 'error', listener: (event: ErrorEvent) => void): this;
    on(event: 'close', listener: (event: CloseEvent) => void): this;
    on(event: 'data', listener: (data: string | Buffer) => void): this;
    on(event: string | symbol, listener: (...args: any[]) => void): this;
  }

  interface Client extends API {
    /** The handshake response status, once known. */
    statusCode?: number;
    /** The handshake response headers, once known. */
    headers?: { [name: string]: string };
  }

  interface ClientConstructor {
    new (url: string, protocols?: string | string[] | null, options?: ClientOptions): Client;
  }

  /** Server-side EventSource. */
  interface EventSource extends Stream {
    readonly readyState: 0 | 1 | 2 | 3;
    url: string;
    lastEventId: string;
    writable: boolean;
    onopen: ((event: Event) => void) | null;
    onclose: ((event: Event) => void) | null;
    send(message: string, options?: { event?: string; id?: string | number }): boolean;
    ping(): boolean;
    close(): boolean;
    write(message: string): boolean;
    end(message?: string): void;
    addEventListener(type: string, listener: (event: Event) => void): void;
    removeEventListener(type: string, listener: (event: Event) => void): void;
    dispatchEvent(event: Event): void;
  }

  interface EventSourceConstructor {
    new (
      request: IncomingMessage,
      response: ServerResponse,
      options?: { headers?: { [name: string]: string | number }; retry?: number; ping?: number }
    ): EventSource;
    isEventSource(request: IncomingMessage): boolean;
  }
}

interface FayeWebSocketConstructor {
  new (
    request: IncomingMessage,
    socket: Duplex,
    body: Buffer,
    protocols?: string | string[] | null,
    options?: FayeWebSocket.ServerOptions
  ): FayeWebSocket.API;
  isWebSocket(request: IncomingMessage): boolean;
  validateOptions(options: object | undefined, validKeys: string[]): void;
  readonly WebSocket: FayeWebSocketConstructor;
  readonly Client: FayeWebSocket.ClientConstructor;
  readonly EventSource: FayeWebSocket.EventSourceConstructor;
}

declare const FayeWebSocket: FayeWebSocketConstructor;

export = FayeWebSocket;
