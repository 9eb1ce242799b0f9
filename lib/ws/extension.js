'use strict';

/**
 * `Sec-WebSocket-Extensions` parsing and formatting (RFC 7230 token / quoted-string grammar),
 * with ws 8.23's results and errors. The scan is native (`src/proto/header_list.rs`, fuzzed):
 * linear time on any input (no regex on peer data); results are built from null-prototype objects so names
 * like `__proto__` or `hasOwnProperty` in a header are just names.
 */

const { scanHeaderList } = require('../native');

/** Grammar and token kinds of the native scanner (`src/proto/header_list.rs`). */
const {
  grammarWsExtensions: WS_EXTENSIONS,
  tokenExtension: EXTENSION,
  tokenFlag: FLAG,
  tokenParam: PARAM,
  tokenValue: VALUE,
  tokenEscapedValue: ESCAPED_VALUE,
  scanOk: SCAN_OK,
  scanUnexpectedCharacter: UNEXPECTED_CHARACTER
} = require('../core/wire').headerList;

/**
 * Appends `elem` to the list `dest[name]`.
 *
 * @param {Object} dest Offers (name → params list) or params (name → values list)
 * @param {String} name The key
 * @param {*} elem The element
 * @private
 */
function push(dest, name, elem) {
  if (dest[name] === undefined) dest[name] = [elem];
  else dest[name].push(elem);
}

/**
 * Parses a `Sec-WebSocket-Extensions` header. The scan (one linear pass, fuzzed) is native;
 * this builds ws's result from its tokens.
 *
 * @param {String} header The header value
 * @return {Object} `{ extensionName: [ { param: [value, …] }, … ] }` (values are strings,
 *     or `true` for a parameter without value)
 * @throws {SyntaxError} On malformed input
 * @public
 */
function parse(header) {
  const tokens = scanHeaderList(header, WS_EXTENSIONS);
  if (tokens[0] === UNEXPECTED_CHARACTER) {
    throw new SyntaxError(`Unexpected character at index ${tokens[1]}`);
  }
  if (tokens[0] !== SCAN_OK) throw new SyntaxError('Unexpected end of input');

  const offers = Object.create(null);
  let params;
  let paramName;
  for (let t = 1; t < tokens.length; t += 3) {
    const text = header.slice(tokens[t + 1], tokens[t + 2]);
    switch (tokens[t]) {
      case EXTENSION:
        params = Object.create(null);
        push(offers, text, params);
        break;
      case FLAG:
        push(params, text, true);
        break;
      case PARAM:
        paramName = text;
        break;
      case VALUE:
        push(params, paramName, text);
        break;
      case ESCAPED_VALUE:
        push(params, paramName, text.replace(/\\/g, ''));
        break;
    }
  }
  return offers;
}

/**
 * Formats extensions as a `Sec-WebSocket-Extensions` value.
 *
 * @param {Object} extensions `{ name: params | [params, …] }`, params `{ key: value |
 *     [values] }`, `true` meaning a parameter without value
 * @return {String} The header value
 * @public
 */
function format(extensions) {
  return Object.keys(extensions)
    .map((name) => {
      const configurations = [].concat(extensions[name]);
      return configurations
        .map((params) => {
          const parts = [name];
          for (const key of Object.keys(params)) {
            const values = [].concat(params[key]);
            parts.push(values.map((v) => (v === true ? key : `${key}=${v}`)).join('; '));
          }
          return parts.join('; ');
        })
        .join(', ');
    })
    .join(', ');
}

module.exports = { format, parse };
