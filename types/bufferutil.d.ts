/// <reference types="node" />

/**
 * Masks `length` bytes of `source` with the 4-byte `mask` into `output` at `offset`
 * (bufferutil 4.x semantics).
 */
export function mask(
  source: Uint8Array,
  mask: Uint8Array,
  output: Uint8Array,
  offset: number,
  length: number
): void;

/** Unmasks `buffer` in place with the 4-byte `mask` (bufferutil 4.x semantics). */
export function unmask(buffer: Uint8Array, mask: Uint8Array): void;
