'use strict';

/**
 * `Sec-WebSocket-Extensions` parsing and formatting (RFC 7230 token / quoted-string grammar),
 * with ws 8.23's results and errors. A hand-written char-code state machine: linear time on
 * any input (no regex on peer data), and results built from null-prototype objects so names
 * like `__proto__` or `hasOwnProperty` in a header are just names.
 */

const { tokenChars } = require('./validation');

const SPACE = 0x20;
const TAB = 0x09;
const SEMICOLON = 0x3b;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

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
 * Throws ws's error for an unexpected character.
 *
 * @param {Number} i The index
 * @private
 */
function unexpected(i) {
  throw new SyntaxError(`Unexpected character at index ${i}`);
}

/**
 * Whether a char code is linear white space.
 *
 * @private
 */
function isSpace(code) {
  return code === SPACE || code === TAB;
}

/**
 * Parses a `Sec-WebSocket-Extensions` header.
 *
 * @param {String} header The header value
 * @return {Object} `{ extensionName: [ { param: [value, …] }, … ] }` (values are strings,
 *     or `true` for a parameter without value)
 * @throws {SyntaxError} On malformed input
 * @public
 */
function parse(header) {
  const offers = Object.create(null);
  let params = Object.create(null);
  let extensionName; // set once the extension's name is complete (we are in its params)
  let paramName; // set once `name=` was read (we are in its value)
  let mustUnescape = false;
  let isEscaping = false;
  let inQuotes = false;
  let start = -1;
  let end = -1;
  let code = -1;
  let i = 0;

  for (; i < header.length; i++) {
    code = header.charCodeAt(i);

    if (extensionName === undefined) {
      // Reading an extension name.
      if (end === -1 && tokenChars[code] === 1) {
        if (start === -1) start = i;
      } else if (i !== 0 && isSpace(code)) {
        if (end === -1 && start !== -1) end = i;
      } else if (code === SEMICOLON || code === COMMA) {
        if (start === -1) unexpected(i);
        if (end === -1) end = i;
        const name = header.slice(start, end);
        if (code === COMMA) {
          push(offers, name, params);
          params = Object.create(null);
        } else {
          extensionName = name;
        }
        start = end = -1;
      } else {
        unexpected(i);
      }
    } else if (paramName === undefined) {
      // Reading a parameter name.
      if (end === -1 && tokenChars[code] === 1) {
        if (start === -1) start = i;
      } else if (isSpace(code)) {
        if (end === -1 && start !== -1) end = i;
      } else if (code === SEMICOLON || code === COMMA) {
        if (start === -1) unexpected(i);
        if (end === -1) end = i;
        push(params, header.slice(start, end), true);
        if (code === COMMA) {
          push(offers, extensionName, params);
          params = Object.create(null);
          extensionName = undefined;
        }
        start = end = -1;
      } else if (code === EQUALS && start !== -1 && end === -1) {
        paramName = header.slice(start, i);
        start = end = -1;
      } else {
        unexpected(i);
      }
    } else if (isEscaping) {
      // The character after a backslash inside quotes.
      if (tokenChars[code] !== 1) unexpected(i);
      if (start === -1) start = i;
      else if (!mustUnescape) mustUnescape = true;
      isEscaping = false;
    } else if (inQuotes) {
      if (tokenChars[code] === 1) {
        if (start === -1) start = i;
      } else if (code === QUOTE && start !== -1) {
        inQuotes = false;
        end = i;
      } else if (code === BACKSLASH) {
        isEscaping = true;
      } else {
        unexpected(i);
      }
    } else if (code === QUOTE && header.charCodeAt(i - 1) === EQUALS) {
      inQuotes = true;
    } else if (end === -1 && tokenChars[code] === 1) {
      if (start === -1) start = i;
    } else if (start !== -1 && isSpace(code)) {
      if (end === -1) end = i;
    } else if (code === SEMICOLON || code === COMMA) {
      if (start === -1) unexpected(i);
      if (end === -1) end = i;
      let value = header.slice(start, end);
      if (mustUnescape) {
        value = value.replace(/\\/g, '');
        mustUnescape = false;
      }
      push(params, paramName, value);
      if (code === COMMA) {
        push(offers, extensionName, params);
        params = Object.create(null);
        extensionName = undefined;
      }
      paramName = undefined;
      start = end = -1;
    } else {
      unexpected(i);
    }
  }

  if (start === -1 || inQuotes || isSpace(code)) {
    throw new SyntaxError('Unexpected end of input');
  }

  if (end === -1) end = i;
  const token = header.slice(start, end);

  if (extensionName === undefined) {
    push(offers, token, params);
  } else {
    if (paramName === undefined) push(params, token, true);
    else push(params, paramName, mustUnescape ? token.replace(/\\/g, '') : token);
    push(offers, extensionName, params);
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
