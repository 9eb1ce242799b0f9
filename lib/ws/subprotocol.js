'use strict';

/**
 * `Sec-WebSocket-Protocol` parsing with ws 8.23's results and errors: a comma-separated list
 * of tokens, optional white space around commas. A char loop, linear in the header length
 * (ws CVE-2021-32640 was a backtracking regex split on " *, *").
 */

const { tokenChars } = require('./validation');

/**
 * Adds a subprotocol, refusing duplicates.
 *
 * @param {Set} protocols The set
 * @param {String} protocol The name
 * @private
 */
function add(protocols, protocol) {
  if (protocols.has(protocol)) {
    throw new SyntaxError(`The "${protocol}" subprotocol is duplicated`);
  }
  protocols.add(protocol);
}

/**
 * Parses a `Sec-WebSocket-Protocol` header.
 *
 * @param {String} header The header value
 * @return {Set<String>} The subprotocols, in order
 * @throws {SyntaxError} On malformed input or a duplicate
 * @public
 */
function parse(header) {
  const protocols = new Set();
  let start = -1;
  let end = -1;
  let i = 0;

  for (; i < header.length; i++) {
    const code = header.charCodeAt(i);

    if (end === -1 && tokenChars[code] === 1) {
      if (start === -1) start = i;
    } else if (i !== 0 && (code === 0x20 || code === 0x09)) {
      if (end === -1 && start !== -1) end = i;
    } else if (code === 0x2c) {
      if (start === -1) throw new SyntaxError(`Unexpected character at index ${i}`);
      if (end === -1) end = i;
      add(protocols, header.slice(start, end));
      start = end = -1;
    } else {
      throw new SyntaxError(`Unexpected character at index ${i}`);
    }
  }

  if (start === -1 || end !== -1) throw new SyntaxError('Unexpected end of input');

  add(protocols, header.slice(start, i));
  return protocols;
}

module.exports = { parse };
