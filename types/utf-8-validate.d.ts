/// <reference types="node" />

/** Whether `buffer` holds valid UTF-8 (utf-8-validate 6.x semantics). */
declare function isValidUTF8(buffer: Uint8Array | ArrayBuffer): boolean;

export = isValidUTF8;
