// Types for `oxws/driver`: the websocket-driver 0.8 API (compatible with
// @types/websocket-driver's shapes).

import { EventEmitter } from 'events';
import { Stream } from 'stream';


declare namespace driver {
  /** Options every driver accepts (unknown keys throw `Unrecognized option: <key>`). */
  interface DriverOptions {
    /** Largest message in bytes, after decompression. Default 2^26 - 1. */
    maxLength?: number;
    /** Subprotocols, as an array or a comma-separated string. */
    protocols?: string | string[];
    /** Mask outgoing frames (default true for clients). */
    masking?: boolean;
    /** Require masked incoming frames (default true for server drivers). */
    requireMasking?: boolean;
    /** Accept hixie-75/76 handshakes (default false, as websocket-driver 0.8.0). */
    allowDrafts?: boolean;
  }

  /** An HTTP request as `driver.http()` needs it. */
  interface HttpRequest {
    method?: string;
    url?: string;
    headers: { [name: string]: string | string[] | undefined };
    [key: string]: any;
  }

  interface ConnectEvent {}
  interface OpenEvent {}
  interface CloseEvent {
    code: number | null;
    reason: string | null;
  }
  interface MessageEvent {
    data: string | Buffer;
  }
  interface PingEvent {
    data: string;
  }
  interface PongEvent {
    data: string;
  }

  /** A websocket-extensions extension object (e.g. the npm `permessage-deflate`). */
  interface Extension {
    name: string;
    type: 'permessage';
    rsv1: boolean;
    rsv2: boolean;
    rsv3: boolean;
    createClientSession(options?: object): any;
    createServerSession(offers: object[], options?: object): any;
  }

  /**
   * The byte stream (a classic stream): write socket bytes in, pipe its `'data'` to the
   * socket. `write()` returns false while paused.
   */
  interface IO extends NodeJS.ReadWriteStream {
    readable: boolean;
    writable: boolean;
    destroy(): void;
  }

  /**
   * The message stream (a classic stream): write strings (text) or Buffers (binary) in;
   * received messages come out as `'data'`.
   */
  interface Messages extends NodeJS.ReadWriteStream {
    readable: boolean;
    writable: boolean;
    destroy(): void;
  }

  interface Driver extends EventEmitter {
    readonly io: IO;
    readonly messages: Messages;
    readyState: number;
    /** `'hybi-13'`, `'hybi-8'`, `'hixie-76'` or `'hixie-75'`. */
    version?: string;
    /** The negotiated subprotocol (undefined until negotiated). */
    protocol?: string | null;
    url: string | null;
    getState(): 'connecting' | 'open' | 'closing' | 'closed' | null;
    addExtension(extension: Extension): boolean;
    setHeader(name: string, value: string | number): boolean;
    start(): boolean;
    parse(chunk: Buffer | Uint8Array | number[]): void;
    text(message: string): boolean;
    binary(message: Buffer | Uint8Array | number[]): boolean;
    ping(message?: string | Buffer, callback?: () => void): boolean;
    pong(message?: string | Buffer): boolean;
    /** Reason first, as websocket-driver. */
    close(reason?: string, code?: number): boolean;
    frame(buffer: string | Buffer | number[] | number, type?: string, code?: number): boolean;

    on(event: 'open', listener: (event: OpenEvent) => void): this;
    on(event: 'message', listener: (event: MessageEvent) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'close', listener: (event: CloseEvent) => void): this;
    on(event: 'ping', listener: (event: PingEvent) => void): this;
    on(event: 'pong', listener: (event: PongEvent) => void): this;
    on(event: 'connect', listener: (event: ConnectEvent) => void): this;
    on(event: string | symbol, listener: (...args: any[]) => void): this;
  }

  /** `driver.server()`: reads the HTTP request from the bytes itself. */
  interface Server extends Driver {
    method?: string;
    headers?: { [name: string]: string };
    body?: Buffer;
  }

  /** A CONNECT tunnel through an HTTP proxy. */
  interface Proxy extends Stream {
    statusCode?: number;
    headers?: { [name: string]: string };
    setHeader(name: string, value: string | number): boolean;
    start(): boolean;
    write(chunk: Buffer): boolean;
    end(chunk?: Buffer): void;
    on(event: 'connect', listener: (event: ConnectEvent) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: string | symbol, listener: (...args: any[]) => void): this;
  }

  interface Client extends Driver {
    statusCode?: number;
    headers?: { [name: string]: string };
    proxy(origin: string, options?: object): Proxy;
  }

  /** A client driver for a `ws:` / `wss:` URL. */
  function client(url: string, options?: DriverOptions): Client;
  /** A server driver over raw TCP bytes. */
  function server(options?: DriverOptions): Server;
  /** A server driver for a request Node's `http` already parsed. */
  function http(request: HttpRequest, options?: DriverOptions): Driver;
  function isSecureRequest(request: HttpRequest): boolean;
  function isWebSocket(request: HttpRequest): boolean;
  function validateOptions<T extends object>(options: T | undefined, validKeys: string[]): T;
}

export = driver;
