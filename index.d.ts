/// <reference types="node" />

/**
 * oxws main export: one callable function that is at once the `ws`, `bufferutil` and
 * `utf-8-validate` module shapes (hand-written; the native loader's types are internal).
 */
declare const WebSocket: WebSocket.OxwsExport;

declare namespace WebSocket {
  interface OxwsExport {
    /** Called without `new` on bytes: the utf-8-validate verdict. */
    (buffer: Uint8Array | ArrayBuffer): boolean;

    /** bufferutil: masks `length` bytes of `source` into `output` at `offset`. */
    mask(source: Uint8Array, mask: Uint8Array, output: Uint8Array, offset: number, length: number): void;
    /** bufferutil: unmasks `buffer` in place. */
    unmask(buffer: Uint8Array, mask: Uint8Array): void;
    /** utf-8-validate: whether `buffer` is valid UTF-8. */
    isValidUTF8(buffer: Uint8Array | ArrayBuffer): boolean;
    /** The export itself (ws exposes `WebSocket.WebSocket`). */
    WebSocket: OxwsExport;
  }
}

export = WebSocket;
