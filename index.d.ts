/// <reference types="node" />

// Hand-written public types for `oxws`: the whole ws 8.23 API, with signatures compatible
// with @types/ws 8 (TypeScript code written for ws compiles unchanged), plus the
// bufferutil / utf-8-validate accelerator functions that hang on the main export.
//
// Shape: the main export is ONE value that is at once ws's `WebSocket` class (`new`,
// `extends`, `instanceof`, the statics) and utf-8-validate's function (`oxws(buffer)` ->
// boolean). A TypeScript class cannot have a call signature, so the value is a `const`
// whose type carries both the construct and the call signatures; the instance type is
// the interface of the same name, and a types-only namespace of the same name holds
// everything ws users write as `WebSocket.X` in type positions (`WebSocket.RawData`,
// `WebSocket.ServerOptions`, `WebSocket.Server`, ...). `export =` plus that merge gives
//   import WebSocket = require('oxws');
//   import WebSocket, { WebSocketServer, createWebSocketStream } from 'oxws';
// (the latter with esModuleInterop), as with @types/ws.
//
// The instance members live on `WebSocket.WebSocket` and the server's on `WebSocket.Server`
// (interfaces), so module augmentation works and reaches the instances:
//   declare module 'oxws' { interface WebSocket { isAlive: boolean } }
//   declare module 'oxws' { interface Server { extra(): void } }
//
// Declarations outside the namespace (WebSocketConstructor, WebSocketModule, Receiver,
// Sender, PerMessageDeflate, ...) are module-private: reach them as `WebSocket.X`.

import { EventEmitter } from 'events';
import {
  Agent,
  ClientRequest,
  ClientRequestArgs,
  IncomingMessage,
  OutgoingHttpHeaders,
  Server as HTTPServer
} from 'http';
import { Server as HTTPSServer } from 'https';
import { createConnection } from 'net';
import { Duplex, DuplexOptions, Writable } from 'stream';
import { SecureContextOptions } from 'tls';
import { URL } from 'url';
import { ZlibOptions } from 'zlib';

// ---------------------------------------------------------------------------------------
// The main export
// ---------------------------------------------------------------------------------------

/** A WebSocket connection: ws's `WebSocket` instance (members: `WebSocket.WebSocket`). */
interface WebSocket extends WebSocket.WebSocket {}

/**
 * The class side of ws's `WebSocket`: what `new`, `extends` and the ready-state statics
 * need. A subclass (`class MyWebSocket extends WebSocket {}`) satisfies it, so it is the
 * constraint of the `WebSocket` option of `WebSocketServer`.
 */
interface WebSocketConstructor {
  /**
   * A server-side socket (what `WebSocketServer` creates; it then calls `setSocket()`).
   * As in ws, `options` is required at run time.
   */
  new (address: null): WebSocket;
  new (address: null, protocols: undefined, options: WebSocket.ServerSocketOptions): WebSocket;
  /** A client: connects to `address` (`ws:`, `wss:`, `http:`, `https:` or `ws+unix:`). */
  new (address: string | URL, options?: WebSocket.ClientOptions | ClientRequestArgs): WebSocket;
  /** A client offering the `protocols` subprotocols. */
  new (
    address: string | URL,
    protocols?: string | string[],
    options?: WebSocket.ClientOptions | ClientRequestArgs
  ): WebSocket;

  readonly prototype: WebSocket;

  /** The connection is not yet open. */
  readonly CONNECTING: 0;
  /** The connection is open and ready to communicate. */
  readonly OPEN: 1;
  /** The connection is in the process of closing. */
  readonly CLOSING: 2;
  /** The connection is closed. */
  readonly CLOSED: 3;
}

/** The class side of ws's `WebSocketServer` (members: `WebSocket.Server`). */
interface WebSocketServerConstructor {
  /**
   * Exactly one of `port`, `server` and `noServer` must be given. With `port`, `callback`
   * is a one-time `'listening'` listener.
   */
  new <
    T extends WebSocketConstructor = WebSocketConstructor,
    U extends typeof IncomingMessage = typeof IncomingMessage
  >(
    options?: WebSocket.ServerOptions<T, U>,
    callback?: () => void
  ): WebSocket.Server<T, U>;

  readonly prototype: WebSocket.Server<any, any>;
}

/**
 * The main export: ws's `WebSocket` class with ws's statics, also callable (without
 * `new`) as utf-8-validate, and carrying bufferutil's `mask` / `unmask`.
 */
interface WebSocketModule extends WebSocketConstructor {
  /**
   * utf-8-validate: whether `buffer` holds valid UTF-8. Only a call without `new` on
   * bytes does this; any other argument throws a `TypeError`, like a class called
   * without `new`.
   */
  (buffer: Uint8Array | ArrayBuffer): boolean;

  /** The class itself (`WebSocket.WebSocket === WebSocket`). */
  readonly WebSocket: WebSocketModule;
  /** ws's server. */
  readonly WebSocketServer: WebSocketServerConstructor;
  /** ws's server, under its ws 7 name (like ws, not a named ESM export). */
  readonly Server: WebSocketServerConstructor;
  /** Wraps a WebSocket in a Duplex stream. */
  readonly createWebSocketStream: typeof createWebSocketStream;
  /** ws's frame decoder. */
  readonly Receiver: typeof Receiver;
  /** ws's frame writer. */
  readonly Sender: typeof Sender;
  /** `Sec-WebSocket-Extensions` parsing and formatting. */
  readonly extension: WebSocket.Extension;
  /** `Sec-WebSocket-Protocol` parsing. */
  readonly subprotocol: WebSocket.Subprotocol;
  /** permessage-deflate (RFC 7692), done in Rust. */
  readonly PerMessageDeflate: typeof PerMessageDeflate;
  /** oxws: `server.broadcast()` for any list of sockets. */
  broadcast(sockets: Iterable<WebSocket>, data: WebSocket.Data, options?: WebSocket.BroadcastOptions): number;

  /** faye-websocket: the client (`new WebSocket.Client(url, protocols?, options?)`). */
  readonly Client: import('./types/faye').ClientConstructor;
  /** faye-websocket: the server-side EventSource. */
  readonly EventSource: import('./types/faye').EventSourceConstructor;

  /** websocket-driver: a client driver. */
  readonly client: typeof import('./types/driver').client;
  /** websocket-driver: a raw-TCP server driver. */
  readonly server: typeof import('./types/driver').server;
  /** websocket-driver: a server driver for a parsed HTTP request. */
  readonly http: typeof import('./types/driver').http;
  /** websocket-driver / faye-websocket: whether a request asks for a WebSocket upgrade. */
  readonly isWebSocket: typeof import('./types/driver').isWebSocket;
  /** websocket-driver: whether a request came over TLS. */
  readonly isSecureRequest: typeof import('./types/driver').isSecureRequest;
  /** websocket-driver / faye-websocket: unknown option keys throw. */
  readonly validateOptions: typeof import('./types/driver').validateOptions;

  /** bufferutil: masks `length` bytes of `source` with `mask` into `output` at `offset`. */
  mask(source: Uint8Array, mask: Uint8Array, output: Uint8Array, offset: number, length: number): void;
  /** bufferutil: unmasks `buffer` in place with the 4-byte `mask`. */
  unmask(buffer: Uint8Array, mask: Uint8Array): void;
  /** utf-8-validate: whether `buffer` holds valid UTF-8. */
  isValidUTF8(buffer: Uint8Array | ArrayBuffer): boolean;
}

declare const WebSocket: WebSocketModule;

// Module-private aliases, so that namespace members of the same name can point at them.
type ReceiverClass = Receiver;
type SenderClass = Sender;
type PerMessageDeflateClass = PerMessageDeflate;

// ---------------------------------------------------------------------------------------
// createWebSocketStream, Receiver, Sender, PerMessageDeflate
// ---------------------------------------------------------------------------------------

/**
 * Wraps `websocket` in a Duplex stream (`objectMode` is forced off; with
 * `readableObjectMode` text messages are read as strings).
 */
declare function createWebSocketStream(websocket: WebSocket, options?: DuplexOptions): Duplex;

/**
 * ws's frame decoder: a Writable fed with the bytes from the socket; emits `'message'`,
 * `'ping'`, `'pong'`, `'conclude'` (a close frame) and `'error'`.
 */
declare class Receiver extends Writable {
  constructor(options?: WebSocket.ReceiverOptions);

  on(event: 'message', listener: (data: WebSocket.RawData | Blob, isBinary: boolean) => void): this;
  on(event: 'ping' | 'pong', listener: (data: Buffer) => void): this;
  on(event: 'conclude', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;

  once(event: 'message', listener: (data: WebSocket.RawData | Blob, isBinary: boolean) => void): this;
  once(event: 'ping' | 'pong', listener: (data: Buffer) => void): this;
  once(event: 'conclude', listener: (code: number, reason: Buffer) => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** ws's frame writer, over a connected socket. */
declare class Sender {
  /**
   * @param socket The connection
   * @param extensions The negotiated extensions (`{ 'permessage-deflate': PerMessageDeflate }`)
   * @param generateMask Fills a 4-byte Buffer with a masking key
   */
  constructor(socket: Duplex, extensions?: { [name: string]: unknown }, generateMask?: (mask: Buffer) => void);

  /** Called with write errors that have no callback to go to. */
  onerror: (err: Error) => void;

  /** Frames `data`: one Buffer, or the header then the payload. */
  static frame(data: Buffer | string, options: WebSocket.FrameOptions): Buffer[];

  /** Sends a close frame (`data`: the reason, at most 123 bytes). */
  close(code?: number, data?: string | Uint8Array, mask?: boolean, cb?: (err?: Error) => void): void;
  /** Sends a ping (at most 125 bytes). */
  ping(data: any, mask?: boolean, cb?: (err?: Error) => void): void;
  /** Sends a pong (at most 125 bytes). */
  pong(data: any, mask?: boolean, cb?: (err?: Error) => void): void;
  /** Sends a data frame. */
  send(data: any, options: WebSocket.SendOptions, cb?: (err?: Error) => void): void;
}

/** permessage-deflate (RFC 7692) negotiation; the compression itself is done in Rust. */
declare class PerMessageDeflate {
  /** `'permessage-deflate'`. */
  static readonly extensionName: 'permessage-deflate';

  /** The accepted parameters (`null` until `accept()`). */
  params: { [key: string]: number | boolean } | null;

  constructor(
    options?: WebSocket.PerMessageDeflateOptions & {
      /** Server mode (default `false`). */
      isServer?: boolean | undefined;
      /** Largest inflated message (default 0: no limit). */
      maxPayload?: number | undefined;
    }
  );

  /** The parameters a client offers. */
  offer(): { [key: string]: number | boolean };
  /** Accepts an offer (server) or a response (client), as `extension.parse` gives them. */
  accept(configurations: Array<{ [key: string]: Array<string | true> }>): { [key: string]: number | boolean };
  /** Releases the compression state. */
  cleanup(): void;
}

// ---------------------------------------------------------------------------------------
// The namespace: types reachable as `WebSocket.X` (and as named type imports)
// ---------------------------------------------------------------------------------------

declare namespace WebSocket {
  /**
   * A WebSocket connection: the members of ws's `WebSocket` instances (augment this
   * interface to add properties to every socket).
   */
  interface WebSocket extends EventEmitter {
    /**
     * How binary messages are delivered: `'nodebuffer'` (default, a `Buffer`),
     * `'arraybuffer'`, `'fragments'` (a `Buffer[]`, one per frame) or `'blob'` (ws ≥ 8.18).
     * Can be changed at any time; an unknown value is ignored.
     */
    binaryType: 'nodebuffer' | 'arraybuffer' | 'fragments' | 'blob';
    /** Bytes queued by `send()` and not yet handed to the OS (framing included). */
    readonly bufferedAmount: number;
    /** The negotiated extensions (`'permessage-deflate'` or `''`). */
    readonly extensions: string;
    /** Whether `pause()` stopped the socket from emitting events. */
    readonly isPaused: boolean;
    /** The subprotocol the server selected (`''` if none). */
    readonly protocol: string;
    /** The current state of the connection. */
    readonly readyState: 0 | 1 | 2 | 3;
    /** The URL the client connected to (`undefined` on server-side sockets). */
    readonly url: string;

    /** The connection is not yet open. */
    readonly CONNECTING: 0;
    /** The connection is open and ready to communicate. */
    readonly OPEN: 1;
    /** The connection is in the process of closing. */
    readonly CLOSING: 2;
    /** The connection is closed. */
    readonly CLOSED: 3;

    onopen: ((event: Event) => void) | null;
    onerror: ((event: ErrorEvent) => void) | null;
    onclose: ((event: CloseEvent) => void) | null;
    onmessage: ((event: MessageEvent) => void) | null;

    /**
     * Starts the closing handshake. `code` is a valid close status code; `data` (the
     * reason) is at most 123 bytes. While connecting, aborts the handshake instead.
     */
    close(code?: number, data?: string | Buffer | Uint8Array): void;
    /** Sends a ping (payload ≤ 125 bytes; numbers are sent as their decimal string). */
    ping(data?: any, mask?: boolean, cb?: (err: Error) => void): void;
    /** Sends a pong (payload ≤ 125 bytes; numbers are sent as their decimal string). */
    pong(data?: any, mask?: boolean, cb?: (err: Error) => void): void;
    /** Sends a message: text for strings, binary otherwise (unless `options.binary`). */
    send(data: BufferLike, cb?: (err?: Error) => void): void;
    send(data: BufferLike, options: SendOptions, cb?: (err?: Error) => void): void;
    /** Destroys the socket at once (no closing handshake). */
    terminate(): void;
    /**
     * Stops the socket from emitting events (some may still come from data already
     * buffered). A no-op while `CONNECTING` or once `CLOSED`.
     */
    pause(): void;
    /** Resumes a paused socket. A no-op while `CONNECTING` or once `CLOSED`. */
    resume(): void;

    // WHATWG-style events ('open', 'error', 'close', 'message').
    addEventListener<K extends keyof WebSocketEventMap>(
      type: K,
      listener:
        | ((event: WebSocketEventMap[K]) => void)
        | { handleEvent(event: WebSocketEventMap[K]): void },
      options?: EventListenerOptions
    ): void;
    removeEventListener<K extends keyof WebSocketEventMap>(
      type: K,
      listener:
        | ((event: WebSocketEventMap[K]) => void)
        | { handleEvent(event: WebSocketEventMap[K]): void }
    ): void;

    // EventEmitter events.
    on(event: 'close', listener: (this: WebSocket, code: number, reason: Buffer) => void): this;
    on(event: 'error', listener: (this: WebSocket, error: Error) => void): this;
    on(event: 'upgrade', listener: (this: WebSocket, request: IncomingMessage) => void): this;
    on(event: 'message', listener: (this: WebSocket, data: RawData, isBinary: boolean) => void): this;
    on(event: 'open', listener: (this: WebSocket) => void): this;
    /** oxws: everything queued has been written (after a write had to wait). */
    on(event: 'drain', listener: (this: WebSocket) => void): this;
    on(event: 'ping' | 'pong', listener: (this: WebSocket, data: Buffer) => void): this;
    on(event: 'redirect', listener: (this: WebSocket, url: string, request: ClientRequest) => void): this;
    on(
      event: 'unexpected-response',
      listener: (this: WebSocket, request: ClientRequest, response: IncomingMessage) => void
    ): this;
    on(event: string | symbol, listener: (this: WebSocket, ...args: any[]) => void): this;

    once(event: 'close', listener: (this: WebSocket, code: number, reason: Buffer) => void): this;
    once(event: 'error', listener: (this: WebSocket, error: Error) => void): this;
    once(event: 'upgrade', listener: (this: WebSocket, request: IncomingMessage) => void): this;
    once(event: 'message', listener: (this: WebSocket, data: RawData, isBinary: boolean) => void): this;
    once(event: 'open', listener: (this: WebSocket) => void): this;
    once(event: 'ping' | 'pong', listener: (this: WebSocket, data: Buffer) => void): this;
    once(event: 'redirect', listener: (this: WebSocket, url: string, request: ClientRequest) => void): this;
    once(
      event: 'unexpected-response',
      listener: (this: WebSocket, request: ClientRequest, response: IncomingMessage) => void
    ): this;
    once(event: string | symbol, listener: (this: WebSocket, ...args: any[]) => void): this;

    off(event: 'close', listener: (this: WebSocket, code: number, reason: Buffer) => void): this;
    off(event: 'error', listener: (this: WebSocket, error: Error) => void): this;
    off(event: 'upgrade', listener: (this: WebSocket, request: IncomingMessage) => void): this;
    off(event: 'message', listener: (this: WebSocket, data: RawData, isBinary: boolean) => void): this;
    off(event: 'open', listener: (this: WebSocket) => void): this;
    off(event: 'ping' | 'pong', listener: (this: WebSocket, data: Buffer) => void): this;
    off(event: 'redirect', listener: (this: WebSocket, url: string, request: ClientRequest) => void): this;
    off(
      event: 'unexpected-response',
      listener: (this: WebSocket, request: ClientRequest, response: IncomingMessage) => void
    ): this;
    off(event: string | symbol, listener: (this: WebSocket, ...args: any[]) => void): this;

    addListener(event: 'close', listener: (code: number, reason: Buffer) => void): this;
    addListener(event: 'error', listener: (error: Error) => void): this;
    addListener(event: 'upgrade', listener: (request: IncomingMessage) => void): this;
    addListener(event: 'message', listener: (data: RawData, isBinary: boolean) => void): this;
    addListener(event: 'open', listener: () => void): this;
    addListener(event: 'ping' | 'pong', listener: (data: Buffer) => void): this;
    addListener(event: 'redirect', listener: (url: string, request: ClientRequest) => void): this;
    addListener(
      event: 'unexpected-response',
      listener: (request: ClientRequest, response: IncomingMessage) => void
    ): this;
    addListener(event: string | symbol, listener: (...args: any[]) => void): this;

    removeListener(event: 'close', listener: (code: number, reason: Buffer) => void): this;
    removeListener(event: 'error', listener: (error: Error) => void): this;
    removeListener(event: 'upgrade', listener: (request: IncomingMessage) => void): this;
    removeListener(event: 'message', listener: (data: RawData, isBinary: boolean) => void): this;
    removeListener(event: 'open', listener: () => void): this;
    removeListener(event: 'ping' | 'pong', listener: (data: Buffer) => void): this;
    removeListener(event: 'redirect', listener: (url: string, request: ClientRequest) => void): this;
    removeListener(
      event: 'unexpected-response',
      listener: (request: ClientRequest, response: IncomingMessage) => void
    ): this;
    removeListener(event: string | symbol, listener: (...args: any[]) => void): this;
  }

  /** What `send()` accepts (anything `Buffer.from` takes, plus Blob). */
  type BufferLike =
    | string
    | Buffer
    | DataView
    | number
    | ArrayBufferView
    | Uint8Array
    | ArrayBuffer
    | SharedArrayBuffer
    | Blob
    | readonly any[]
    | readonly number[]
    | { valueOf(): ArrayBuffer }
    | { valueOf(): SharedArrayBuffer }
    | { valueOf(): Uint8Array }
    | { valueOf(): readonly number[] }
    | { valueOf(): string }
    | { [Symbol.toPrimitive](hint: string): string };

  /**
   * The payload of a `'message'` event, by `binaryType`: `Buffer` ('nodebuffer'),
   * `ArrayBuffer` ('arraybuffer') or `Buffer[]` ('fragments'). Text messages are Buffers
   * too (`isBinary` is false). With `binaryType = 'blob'` binary messages are `Blob`s; as
   * in @types/ws that case is not part of this union.
   */
  type RawData = Buffer | ArrayBuffer | Buffer[];

  /** The `data` of a WHATWG `MessageEvent` (text messages are strings). */
  type Data = string | Buffer | ArrayBuffer | Buffer[];

  /** Accepted types for certificate and key data. */
  type CertMeta = string | string[] | Buffer | Buffer[];

  /** A synchronous `verifyClient`: return whether to accept the handshake. */
  type VerifyClientCallbackSync<Request extends IncomingMessage = IncomingMessage> = (info: {
    origin: string;
    secure: boolean;
    req: Request;
  }) => boolean;

  /** An asynchronous `verifyClient`: call `callback` with the verdict (and an HTTP error). */
  type VerifyClientCallbackAsync<Request extends IncomingMessage = IncomingMessage> = (
    info: { origin: string; secure: boolean; req: Request },
    callback: (res: boolean, code?: number, message?: string, headers?: OutgoingHttpHeaders) => void
  ) => void;

  /**
   * Last-minute customisation of the upgrade request: it must call `request.end()` once
   * the headers are set.
   */
  type FinishRequestCallback = (request: ClientRequest, websocket: WebSocket) => void;

  /** Client options (also passed on to `http.request` / `https.request` / `tls.connect`). */
  interface ClientOptions extends SecureContextOptions {
    /** @deprecated Ignored (ws overrides it); use the URL. */
    protocol?: string | undefined;
    /** Subprotocols to offer, when not given as the second constructor argument (ws ≥ 8.22). */
    protocols?: string | string[] | undefined;
    /** Follow redirects (default `false`). */
    followRedirects?: boolean | undefined;
    /** Fills the masking key (default: crypto random). */
    generateMask?(mask: Buffer): void;
    /** Opening handshake timeout in ms. */
    handshakeTimeout?: number | undefined;
    /** Most redirects followed (default 10). */
    maxRedirects?: number | undefined;
    /**
     * oxws: after the handshake, a plain-TCP connection is read, decoded and written by the
     * addon's I/O thread; `ws._socket` is then a `NativeSocket` stand-in (default `false`;
     * see README "nativeIO"). `wss:` and `ws+unix:` connections stay on Node sockets.
     */
    nativeIO?: boolean | undefined;
    /** permessage-deflate (default `true`). */
    perMessageDeflate?: boolean | PerMessageDeflateOptions | undefined;
    localAddress?: string | undefined;
    /** `Sec-WebSocket-Version`: 8 or 13 (default 13). */
    protocolVersion?: number | undefined;
    /** Extra request headers. */
    headers?: { [key: string]: string } | undefined;
    /** The `Origin` (`Sec-WebSocket-Origin` for version 8) header. */
    origin?: string | undefined;
    agent?: Agent | undefined;
    host?: string | undefined;
    family?: number | undefined;
    checkServerIdentity?(servername: string, cert: CertMeta): boolean;
    rejectUnauthorized?: boolean | undefined;
    servername?: string | undefined;
    /** Allow several `'message'` / `'ping'` / `'pong'` events per tick (default `true`). */
    allowSynchronousEvents?: boolean | undefined;
    /** Answer pings automatically (default `true`). */
    autoPong?: boolean | undefined;
    /** Closing handshake timeout in ms before the socket is destroyed (default 30000). */
    closeTimeout?: number | undefined;
    /** Largest message in bytes (default 100 MiB). */
    maxPayload?: number | undefined;
    /** Most fragments in one message (default 16384; 0: no limit). */
    maxFragments?: number | undefined;
    /** Most chunks buffered for one frame (default 262144; 0: no limit). */
    maxBufferedChunks?: number | undefined;
    /** Most automatic pongs not yet written before the peer is cut off (default 60). */
    maxPendingAutoPongs?: number | undefined;
    /** Skip UTF-8 validation of text and close reasons (default `false`). */
    skipUTF8Validation?: boolean | undefined;
    /** Opens the connection instead of `net.connect` / `tls.connect`. */
    createConnection?: typeof createConnection | undefined;
    finishRequest?: FinishRequestCallback | undefined;
    /**
     * oxws: built-in heartbeat (off by default). After `interval` ms of silence a ping is
     * sent; if nothing arrives within `timeout` ms the socket is terminated (`'close'` with
     * 1006, no `'error'`). One timer per setting for all sockets.
     */
    heartbeat?: HeartbeatOptions | undefined;
    /**
     * oxws: most bytes `bufferedAmount` may reach (0 = no limit, the default). A send past
     * it is not written; its callback gets an error with code `WS_ERR_BACKPRESSURE_LIMIT`.
     */
    maxBackpressure?: number | undefined;
    /** oxws: `'close'` (default: close with 1008) or `'drop'` (drop only that message). */
    backpressurePolicy?: 'close' | 'drop' | undefined;
  }

  /** Options of the internal server-side constructor form `new WebSocket(null, undefined, options)`. */
  interface ServerSocketOptions {
    autoPong?: boolean | undefined;
    closeTimeout?: number | undefined;
    maxPendingAutoPongs?: number | undefined;
  }

  /** permessage-deflate options (client and server). */
  interface PerMessageDeflateOptions {
    serverNoContextTakeover?: boolean | undefined;
    clientNoContextTakeover?: boolean | undefined;
    /** A window size in bits (8-15), or `true` to offer/accept any. */
    serverMaxWindowBits?: number | boolean | undefined;
    /** A window size in bits (8-15), or `true` to advertise support. */
    clientMaxWindowBits?: number | boolean | undefined;
    /** Only `level` is used (zlib semantics); the rest is accepted for ws compatibility. */
    zlibDeflateOptions?:
      | {
          flush?: number | undefined;
          finishFlush?: number | undefined;
          chunkSize?: number | undefined;
          windowBits?: number | undefined;
          level?: number | undefined;
          memLevel?: number | undefined;
          strategy?: number | undefined;
          dictionary?: Buffer | Buffer[] | DataView | undefined;
          info?: boolean | undefined;
        }
      | undefined;
    /** Accepted for ws compatibility. */
    zlibInflateOptions?: ZlibOptions | undefined;
    /** Messages smaller than this many bytes are not compressed (default 1024). */
    threshold?: number | undefined;
    /** Accepted for ws compatibility (compression does not go through zlib's pool). */
    concurrencyLimit?: number | undefined;
  }

  /** Options of `send()`. */
  interface SendOptions {
    /** Mask the frame (default: true on clients). */
    mask?: boolean | undefined;
    /** Send as binary (default: true unless the data is a string). */
    binary?: boolean | undefined;
    /** Compress (when permessage-deflate was negotiated; default true). */
    compress?: boolean | undefined;
    /** Last fragment of the message (default true). */
    fin?: boolean | undefined;
  }

  /** Options of `Sender.frame()`. */
  interface FrameOptions {
    /** The opcode (0x0-0xf). */
    opcode: number;
    /** Set the FIN bit. */
    fin?: boolean | undefined;
    /** Fills the masking key. */
    generateMask?: ((mask: Buffer) => void) | undefined;
    /** Mask the payload. */
    mask?: boolean | undefined;
    /** Where `generateMask` writes the key. */
    maskBuffer?: Buffer | undefined;
    /** Ignored: the payload is never modified. */
    readOnly?: boolean | undefined;
    /** Set the RSV1 bit. */
    rsv1?: boolean | undefined;
  }

  /** Options of `new Receiver()`. */
  interface ReceiverOptions {
    allowSynchronousEvents?: boolean | undefined;
    binaryType?: 'nodebuffer' | 'arraybuffer' | 'fragments' | 'blob' | undefined;
    /** The negotiated extensions (`{ 'permessage-deflate': PerMessageDeflate }`). */
    extensions?: { [name: string]: unknown } | undefined;
    /** Server mode: frames must be masked. */
    isServer?: boolean | undefined;
    maxBufferedChunks?: number | undefined;
    maxFragments?: number | undefined;
    maxPayload?: number | undefined;
    skipUTF8Validation?: boolean | undefined;
  }

  /** `WebSocket.extension`. */
  interface Extension {
    /**
     * Parses a `Sec-WebSocket-Extensions` value: `{ name: [ { param: [value, ...] }, ... ] }`
     * (`true` for a parameter without value). Throws a `SyntaxError` on malformed input.
     */
    parse(header: string): { [extension: string]: Array<{ [param: string]: Array<string | true> }> };
    /** Formats extensions (`{ name: params | params[] }`) as a header value. */
    format(extensions: { [extension: string]: object | object[] }): string;
  }

  /** `WebSocket.subprotocol`. */
  interface Subprotocol {
    /** Parses a `Sec-WebSocket-Protocol` value. Throws a `SyntaxError` on malformed input. */
    parse(header: string): Set<string>;
  }

  // WHATWG-style event shapes (what `addEventListener` / `onX` listeners get).
  interface Event {
    type: string;
    target: WebSocket;
  }

  interface ErrorEvent {
    error: any;
    message: string;
    type: string;
    target: WebSocket;
  }

  interface CloseEvent {
    wasClean: boolean;
    code: number;
    reason: string;
    type: string;
    target: WebSocket;
  }

  interface MessageEvent {
    data: Data;
    type: string;
    target: WebSocket;
  }

  interface WebSocketEventMap {
    open: Event;
    error: ErrorEvent;
    close: CloseEvent;
    message: MessageEvent;
  }

  interface EventListenerOptions {
    /** Remove the listener after its first call. */
    once?: boolean | undefined;
  }

  /** Server options. Exactly one of `port`, `server` and `noServer` must be given. */
  interface ServerOptions<
    U extends WebSocketConstructor = WebSocketConstructor,
    V extends typeof IncomingMessage = typeof IncomingMessage
  > {
    /** Host to bind (with `port`). */
    host?: string | undefined;
    /** Port to listen on: creates an HTTP server. */
    port?: number | undefined;
    /** Pending connection queue length (with `port`). */
    backlog?: number | undefined;
    /** An existing HTTP/S server to attach to. */
    server?: HTTPServer<V> | HTTPSServer<V> | undefined;
    /** Accepts or rejects handshakes (sync: 1 parameter; async: 2). */
    verifyClient?:
      | VerifyClientCallbackAsync<InstanceType<V>>
      | VerifyClientCallbackSync<InstanceType<V>>
      | undefined;
    /** Picks the subprotocol (`false`: none). */
    handleProtocols?: (protocols: Set<string>, request: InstanceType<V>) => string | false;
    /** Only accept this path. */
    path?: string | undefined;
    /** No HTTP server: call `handleUpgrade()` yourself. */
    noServer?: boolean | undefined;
    /** Allow several `'message'` / `'ping'` / `'pong'` events per tick (default `true`). */
    allowSynchronousEvents?: boolean | undefined;
    /** Answer pings automatically (default `true`). */
    autoPong?: boolean | undefined;
    /** Keep `server.clients` (default `true`). */
    clientTracking?: boolean | undefined;
    /** Closing handshake timeout in ms before the socket is destroyed (default 30000). */
    closeTimeout?: number | undefined;
    /**
     * oxws: with `port`, ms a connection may take to send its whole upgrade request (idle
     * connections included) before it gets 408 and is closed (default 10000; 0 = none).
     */
    handshakeTimeout?: number | undefined;
    /**
     * oxws: after the handshake, plain-TCP connections are read, decoded and written by the
     * addon's I/O thread; `ws._socket` is then a `NativeSocket` stand-in (default `false`;
     * see README "nativeIO"). TLS connections stay on Node sockets.
     */
    nativeIO?: boolean | undefined;
    /** permessage-deflate (default `false`). */
    perMessageDeflate?: boolean | PerMessageDeflateOptions | undefined;
    /** Largest message in bytes (default 100 MiB). */
    maxPayload?: number | undefined;
    /** Most fragments in one message (default 16384; 0: no limit). */
    maxFragments?: number | undefined;
    /** Most chunks buffered for one frame (default 262144; 0: no limit). */
    maxBufferedChunks?: number | undefined;
    /** Most automatic pongs not yet written before the peer is cut off (default 60). */
    maxPendingAutoPongs?: number | undefined;
    /** Skip UTF-8 validation of text and close reasons (default `false`). */
    skipUTF8Validation?: boolean | undefined;
    /** The class for server-side sockets (a `WebSocket` subclass). */
    WebSocket?: U | undefined;
    /**
     * oxws: built-in heartbeat (off by default). After `interval` ms of silence a ping is
     * sent; if nothing arrives within `timeout` ms the socket is terminated (`'close'` with
     * 1006, no `'error'`). One timer per setting for all sockets.
     */
    heartbeat?: HeartbeatOptions | undefined;
    /**
     * oxws: most bytes `bufferedAmount` may reach (0 = no limit, the default). A send past
     * it is not written; its callback gets an error with code `WS_ERR_BACKPRESSURE_LIMIT`.
     */
    maxBackpressure?: number | undefined;
    /** oxws: `'close'` (default: close with 1008) or `'drop'` (drop only that message). */
    backpressurePolicy?: 'close' | 'drop' | undefined;
  }

  /** oxws's heartbeat setting, in milliseconds. */
  interface HeartbeatOptions {
    interval: number;
    timeout: number;
  }

  /** Options of `server.broadcast()` / `WebSocket.broadcast()`. */
  interface BroadcastOptions<S = WebSocket> {
    /** Binary (default: the data is not a string). */
    binary?: boolean | undefined;
    /** Compress where permessage-deflate was negotiated (default true). */
    compress?: boolean | undefined;
    /** Only sockets this accepts. */
    filter?: ((ws: S) => boolean) | undefined;
  }

  interface AddressInfo {
    address: string;
    family: string;
    port: number;
  }

  /** ws's server (`WebSocketServer`, also exported as `Server`). */
  interface Server<
    T extends WebSocketConstructor = WebSocketConstructor,
    U extends typeof IncomingMessage = typeof IncomingMessage
  > extends EventEmitter {
    /** The options, with ws's defaults filled in. */
    options: ServerOptions<T, U>;
    /**
     * Declared by @types/ws; neither ws nor oxws sets it (it is `undefined`).
     * @deprecated Use `options.path`.
     */
    path: string;
    /** The connected clients (only with `clientTracking`, the default). */
    clients: Set<InstanceType<T>>;

    /** The bound address of the underlying HTTP server (throws in `noServer` mode). */
    address(): AddressInfo | string | null;
    /**
     * Stops accepting connections. Existing connections are not closed. `cb` is a one-time
     * `'close'` listener; it gets an error if the server was not running.
     */
    close(cb?: (err?: Error) => void): void;
    /** Completes (or rejects) an HTTP upgrade: for `noServer` mode. */
    handleUpgrade(
      request: InstanceType<U>,
      socket: Duplex,
      upgradeHead: Buffer,
      callback: (client: InstanceType<T>, request: InstanceType<U>) => void
    ): void;
    /** Whether this server handles `request` (checks `options.path`). Overridable. */
    shouldHandle(request: InstanceType<U>): boolean | Promise<boolean>;
    /**
     * oxws: sends `data` to every OPEN client (or those `options.filter` accepts), framed
     * once and compressed once per distinct deflate setting. Returns how many it reached.
     * Needs `clientTracking`.
     */
    broadcast(data: WebSocket.Data, options?: BroadcastOptions<InstanceType<T>>): number;

    on(
      event: 'connection',
      cb: (this: Server<T, U>, websocket: InstanceType<T>, request: InstanceType<U>) => void
    ): this;
    on(event: 'error', cb: (this: Server<T, U>, error: Error) => void): this;
    on(event: 'headers', cb: (this: Server<T, U>, headers: string[], request: InstanceType<U>) => void): this;
    on(event: 'close' | 'listening', cb: (this: Server<T, U>) => void): this;
    on(
      event: 'wsClientError',
      cb: (this: Server<T, U>, error: Error, socket: Duplex, request: InstanceType<U>) => void
    ): this;
    on(event: string | symbol, listener: (this: Server<T, U>, ...args: any[]) => void): this;

    once(
      event: 'connection',
      cb: (this: Server<T, U>, websocket: InstanceType<T>, request: InstanceType<U>) => void
    ): this;
    once(event: 'error', cb: (this: Server<T, U>, error: Error) => void): this;
    once(event: 'headers', cb: (this: Server<T, U>, headers: string[], request: InstanceType<U>) => void): this;
    once(event: 'close' | 'listening', cb: (this: Server<T, U>) => void): this;
    once(
      event: 'wsClientError',
      cb: (this: Server<T, U>, error: Error, socket: Duplex, request: InstanceType<U>) => void
    ): this;
    once(event: string | symbol, listener: (this: Server<T, U>, ...args: any[]) => void): this;

    off(
      event: 'connection',
      cb: (this: Server<T, U>, websocket: InstanceType<T>, request: InstanceType<U>) => void
    ): this;
    off(event: 'error', cb: (this: Server<T, U>, error: Error) => void): this;
    off(event: 'headers', cb: (this: Server<T, U>, headers: string[], request: InstanceType<U>) => void): this;
    off(event: 'close' | 'listening', cb: (this: Server<T, U>) => void): this;
    off(
      event: 'wsClientError',
      cb: (this: Server<T, U>, error: Error, socket: Duplex, request: InstanceType<U>) => void
    ): this;
    off(event: string | symbol, listener: (this: Server<T, U>, ...args: any[]) => void): this;

    addListener(event: 'connection', cb: (websocket: InstanceType<T>, request: InstanceType<U>) => void): this;
    addListener(event: 'error', cb: (error: Error) => void): this;
    addListener(event: 'headers', cb: (headers: string[], request: InstanceType<U>) => void): this;
    addListener(event: 'close' | 'listening', cb: () => void): this;
    addListener(event: 'wsClientError', cb: (error: Error, socket: Duplex, request: InstanceType<U>) => void): this;
    addListener(event: string | symbol, listener: (...args: any[]) => void): this;

    removeListener(event: 'connection', cb: (websocket: InstanceType<T>, request: InstanceType<U>) => void): this;
    removeListener(event: 'error', cb: (error: Error) => void): this;
    removeListener(event: 'headers', cb: (headers: string[], request: InstanceType<U>) => void): this;
    removeListener(event: 'close' | 'listening', cb: () => void): this;
    removeListener(event: 'wsClientError', cb: (error: Error, socket: Duplex, request: InstanceType<U>) => void): this;
    removeListener(event: string | symbol, listener: (...args: any[]) => void): this;
  }

  /** ws's server. */
  interface WebSocketServer<
    T extends WebSocketConstructor = WebSocketConstructor,
    U extends typeof IncomingMessage = typeof IncomingMessage
  > extends Server<T, U> {}
  /** ws's frame decoder (`WebSocket.Receiver`). */
  interface Receiver extends ReceiverClass {}
  /** ws's frame writer (`WebSocket.Sender`). */
  interface Sender extends SenderClass {}
  /** permessage-deflate (`WebSocket.PerMessageDeflate`). */
  interface PerMessageDeflate extends PerMessageDeflateClass {}
}

export = WebSocket;
