'use strict';

/**
 * `Sec-WebSocket-Extensions` parsing and formatting with websocket-extensions 0.2's results
 * (`Parser.parseHeader` / `serializeParams`), written as a linear scanner instead of its
 * regular expressions (CVE-2020-7662 was a ReDoS in them).
 *
 * Grammar (RFC 6455 §9.1, with the linear whitespace websocket-extensions tolerates around
 * `,` `;` `=`):
 *
 *     extension-list = extension *( LWS "," LWS extension )
 *     extension      = token *( LWS ";" LWS param )
 *     param          = token [ LWS "=" LWS ( token | quoted-string ) ]
 *
 * Values that look like numbers become numbers; a repeated parameter becomes an array; a
 * parameter without a value is `true`. Names such as `__proto__` are stored as plain own
 * properties.
 */

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

/** A cursor over the header string. */
class Scanner {
  constructor(header) {
    this.s = header;
    this.i = 0;
  }

  /** Skips LWS: spaces, tabs, and CRLF followed by a space or tab. */
  skipSpace() {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09) this.i++;
      else if (c === 0x0d && s.charCodeAt(this.i + 1) === 0x0a && isBlank(s.charCodeAt(this.i + 2)))
        this.i += 3;
      else return;
    }
  }

  /** @return {?String} A token, or null when there is none here */
  token() {
    const start = this.i;
    while (this.i < this.s.length && isToken(this.s.charCodeAt(this.i))) this.i++;
    return this.i > start ? this.s.slice(start, this.i) : null;
  }

  /**
   * A quoted string, with every backslash removed (websocket-extensions' unescaping).
   *
   * @return {?String} Its content, or null when there is none here
   */
  quoted() {
    const s = this.s;
    if (s.charCodeAt(this.i) !== 0x22) return null;
    let out = '';
    let i = this.i + 1;
    for (;;) {
      if (i >= s.length) return null;
      const c = s.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        if (i + 1 >= s.length || s.charCodeAt(i + 1) > 0x7f) return null;
        // websocket-extensions drops every backslash and keeps the escaped character,
        // unless that character is itself a backslash.
        if (s.charCodeAt(i + 1) !== 0x5c) out += s[i + 1];
        i += 2;
        continue;
      }
      if ((c <= 0x08) || (c >= 0x0a && c <= 0x1f) || c === 0x7f) return null;
      out += s[i];
      i++;
    }
    this.i = i + 1;
    return out;
  }

  /**
   * Consumes LWS, `char`, LWS when `char` comes next.
   *
   * @param {Number} char A char code
   * @return {Boolean} Whether it was there
   */
  separator(char) {
    const at = this.i;
    this.skipSpace();
    if (this.s.charCodeAt(this.i) === char) {
      this.i++;
      this.skipSpace();
      return true;
    }
    this.i = at;
    return false;
  }

  get done() {
    return this.i >= this.s.length;
  }
}

/**
 * @param {Number} c A char code
 * @return {Boolean} Space or tab
 * @private
 */
function isBlank(c) {
  return c === 0x20 || c === 0x09;
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
 * Sets `params[key]`, turning repeats into arrays.
 *
 * @param {Object} params The parameters
 * @param {String} key The name
 * @param {*} value The value
 * @private
 */
function addParam(params, key, value) {
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

  const fail = () => {
    throw new SyntaxError('Invalid Sec-WebSocket-Extensions header: ' + header);
  };
  const scan = new Scanner(String(header));

  do {
    const name = scan.token();
    if (name === null) fail();
    const params = {};

    while (scan.separator(0x3b)) {
      const key = scan.token();
      if (key === null) fail();
      let value = true;
      if (scan.separator(0x3d)) {
        const token = scan.token();
        if (token !== null) value = token;
        else {
          value = scan.quoted();
          if (value === null) fail();
        }
        if (isNumber(value)) value = parseFloat(value);
      }
      addParam(params, key, value);
    }
    offers.push(name, params);
  } while (scan.separator(0x2c));

  if (!scan.done) fail();
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
