// Types for `oxws/permessage-deflate`: a drop-in for the npm `permessage-deflate` 0.1
// extension object (websocket-extensions shape), compressed in Rust.
import { Extension } from './driver';

declare namespace PermessageDeflate {
  /** `configure()` options (as the npm package's). */
  interface Options {
    /** Compression level 0-9 (default 6). */
    level?: number;
    /** Accepted and ignored. */
    memLevel?: number;
    /** Accepted and ignored. */
    strategy?: number;
    /** Reset the compression context after each message. */
    noContextTakeover?: boolean;
    /** Largest LZ77 window (8-15) this side accepts. */
    maxWindowBits?: number;
    /** Ask the peer to reset its context after each message. */
    requestNoContextTakeover?: boolean;
    /** Ask the peer to use at most this window (8-15). */
    requestMaxWindowBits?: number;
    /** Accepted and ignored (the npm package's zlib override). */
    zlib?: unknown;
  }

  interface Deflate extends Extension {
    /** A configured copy of the extension. */
    configure(options: Options): Deflate;
  }
}

declare const PermessageDeflate: PermessageDeflate.Deflate;

export = PermessageDeflate;
