'use strict';

/**
 * `Sec-WebSocket-Protocol` parsing with ws 8.23's results and errors: a comma-separated list
 * of tokens, optional white space around commas. Scanned natively in one linear pass
 * (ws CVE-2021-32640 was a backtracking regex split on " *, *").
 */

const { scanHeaderList } = require('../native');

/** Grammar of the native scanner (`src/proto/header_list.rs`). */
const {
  grammarSubprotocols: SUBPROTOCOLS,
  scanUnexpectedCharacter: UNEXPECTED_CHARACTER,
  scanUnexpectedEnd: UNEXPECTED_END,
  scanDuplicate: DUPLICATE
} = require('../core/wire').headerList;

/**
 * Parses a `Sec-WebSocket-Protocol` header. The scan (one linear pass, fuzzed) is native.
 *
 * @param {String} header The header value
 * @return {Set<String>} The subprotocols, in order
 * @throws {SyntaxError} On malformed input or a duplicate
 * @public
 */
function parse(header) {
  const tokens = scanHeaderList(header, SUBPROTOCOLS);
  switch (tokens[0]) {
    case UNEXPECTED_CHARACTER:
      throw new SyntaxError(`Unexpected character at index ${tokens[1]}`);
    case UNEXPECTED_END:
      throw new SyntaxError('Unexpected end of input');
    case DUPLICATE:
      throw new SyntaxError(
        `The "${header.slice(tokens[1], tokens[2])}" subprotocol is duplicated`
      );
  }
  const protocols = new Set();
  for (let t = 1; t < tokens.length; t += 3) {
    protocols.add(header.slice(tokens[t + 1], tokens[t + 2]));
  }
  return protocols;
}

module.exports = { parse };
