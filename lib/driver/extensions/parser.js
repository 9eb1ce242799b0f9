'use strict';

/**
 * `Sec-WebSocket-Extensions` parsing and formatting with websocket-extensions 0.2's results
 * (`Parser.parseHeader` / `serializeParams`). The header is scanned natively in one linear
 * pass (`src/proto/header_list.rs`, fuzzed) instead of its regular expressions (CVE-2020-7662
 * was a ReDoS in them); this file builds the objects.
 *
 * Grammar (RFC 6455 §9.1, with the linear whitespace websocket-extensions tolerates around
 * `,` `;` `=`):
 *
 *     extension-list = extension *( LWS "," LWS extension )
 *     extension      = token *( LWS ";" LWS param )
 *     param          = token [ LWS "=" LWS ( token | quoted-string ) ]
 *
 * Values that look like numbers become numbers; a repeated parameter becomes an array; a
 * parameter without a value is `true`. A `__proto__` parameter is dropped: websocket-extensions
 * assigns it to a plain object, which leaves the object unchanged (the value is never an
 * object), so the extension sees the other parameters only. Other names of
 * `Object.prototype` properties (`constructor`, `hasOwnProperty`) are plain own properties.
 */

const { scanHeaderList } = require('../../native');

const TOKEN_CHARS = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TOKEN_CHARS[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN_CHARS[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN_CHARS[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN_CHARS[c] = 1;

/**
 * @param {Number} c A char code
 * @return {Boolean} Whether it is a token character
 * @private
 */
function isToken(c) {
  return c < 128 && TOKEN_CHARS[c] === 1;
}

/** The offers (or responses) of one header, by name and in order. */
class Offers {
  constructor() {
    this._byName = new Map();
    this._inOrder = [];
  }

  /**
   * @param {String} name The extension name
   * @param {Object} params Its parameters
   */
  push(name, params) {
    if (!this._byName.has(name)) this._byName.set(name, []);
    this._byName.get(name).push(params);
    this._inOrder.push({ name, params });
  }

  /**
   * Calls `callback(name, params)` for each offer in order.
   *
   * @param {Function} callback The callback
   * @param {Object} [context] Its `this`
   */
  eachOffer(callback, context) {
    for (const { name, params } of this._inOrder) callback.call(context, name, params);
  }

  /**
   * @param {String} name An extension name
   * @return {Object[]} The parameter sets offered for it
   */
  byName(name) {
    return this._byName.get(name) || [];
  }

  /** @return {Object[]} `{name, params}` records in order */
  toArray() {
    return this._inOrder.slice();
  }
}

/** Grammar and token kinds of the native scanner (`src/proto/header_list.rs`). */
const {
  grammarDriverExtensions: DRIVER_EXTENSIONS,
  scanOk: SCAN_OK,
  tokenExtension: EXTENSION,
  tokenFlag: FLAG,
  tokenParam: PARAM,
  tokenValue: VALUE,
  tokenEscapedValue: ESCAPED_VALUE
} = require('../../core/wire').headerList;

/**
 * websocket-extensions' unescaping of a quoted value: every backslash is dropped and the
 * character after it kept, unless that character is itself a backslash.
 *
 * @param {String} s The text inside the quotes
 * @return {String} The value
 * @private
 */
function unescape(s) {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) !== 0x5c) out += s[i];
    else if (s.charCodeAt(++i) !== 0x5c) out += s[i];
  }
  return out;
}

/**
 * websocket-extensions' number rule: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`.
 *
 * @param {String} s A value
 * @return {Boolean} Whether it is a number
 * @private
 */
function isNumber(s) {
  let i = s.charCodeAt(0) === 0x2d ? 1 : 0;
  const digits = () => {
    const start = i;
    while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    return i - start;
  };
  const intStart = i;
  const n = digits();
  if (n === 0 || (n > 1 && s.charCodeAt(intStart) === 0x30)) return false;
  if (i === s.length) return true;
  if (s.charCodeAt(i) !== 0x2e) return false;
  i++;
  return digits() > 0 && i === s.length;
}

/**
 * Sets `params[key]`, turning repeats into arrays; ignores `__proto__` (see above).
 *
 * @param {Object} params The parameters
 * @param {String} key The name
 * @param {*} value The value
 * @private
 */
function addParam(params, key, value) {
  if (key === '__proto__') return;
  if (Object.prototype.hasOwnProperty.call(params, key)) {
    params[key] = [].concat(params[key]);
    params[key].push(value);
  } else {
    Object.defineProperty(params, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true
    });
  }
}

/**
 * Parses a `Sec-WebSocket-Extensions` value.
 *
 * @param {(String|undefined)} header The header
 * @return {Offers} The offers
 * @throws {SyntaxError} `Invalid Sec-WebSocket-Extensions header: <header>`
 */
function parseHeader(header) {
  const offers = new Offers();
  if (header === '' || header === undefined) return offers;

  const text = String(header);
  const tokens = scanHeaderList(text, DRIVER_EXTENSIONS);
  if (tokens[0] !== SCAN_OK) {
    throw new SyntaxError('Invalid Sec-WebSocket-Extensions header: ' + header);
  }

  let params;
  let key;
  for (let t = 1; t < tokens.length; t += 3) {
    const token = text.slice(tokens[t + 1], tokens[t + 2]);
    switch (tokens[t]) {
      case EXTENSION:
        params = {};
        offers.push(token, params);
        break;
      case FLAG:
        addParam(params, token, true);
        break;
      case PARAM:
        key = token;
        break;
      case VALUE:
      case ESCAPED_VALUE: {
        const value = tokens[t] === VALUE ? token : unescape(token);
        addParam(params, key, isNumber(value) ? parseFloat(value) : value);
        break;
      }
    }
  }
  return offers;
}

/**
 * Formats one extension with its parameters (`name; key=value; flag`).
 *
 * @param {String} name The extension name
 * @param {Object} params The parameters (`true` for flags, arrays for repeats)
 * @return {String} The header element
 */
function serializeParams(name, params) {
  const values = [];

  const print = (key, value) => {
    if (Array.isArray(value)) {
      for (const v of value) print(key, v);
    } else if (value === true) {
      values.push(key);
    } else if (typeof value === 'number') {
      values.push(key + '=' + value);
    } else {
      const text = String(value);
      let token = text.length > 0;
      for (let i = 0; token && i < text.length; i++) token = isToken(text.charCodeAt(i));
      values.push(token ? key + '=' + text : key + '="' + text.replace(/"/g, '\\"') + '"');
    }
  };

  for (const key in params) print(key, params[key]);

  return [name].concat(values).join('; ');
}

module.exports = { parseHeader, serializeParams, Offers };
