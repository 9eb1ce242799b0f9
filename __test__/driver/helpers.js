'use strict';

/**
 * Shared helpers for the websocket-driver API tests: a handshake request, a driver wired to
 * a byte collector and an event log, and the same for the real websocket-driver 0.8.0 so
 * that both can be fed the same bytes.
 */

const oxws = require('../../lib/driver');
const OxHybi = require('../../lib/driver/hybi');
const upstream = require('websocket-driver');
const UpHybi = require('websocket-driver/lib/websocket/driver/hybi');

/**
 * A hybi-13 upgrade request (websocket-driver's spec request).
 *
 * @param {Object} [extra] More headers
 * @return {Object} `{method, url, headers}`
 */
function request(extra = {}) {
  return {
    method: 'GET',
    url: '/socket',
    headers: {
      connection: 'Upgrade',
      upgrade: 'websocket',
      origin: 'http://www.example.com',
      host: 'www.example.com',
      'sec-websocket-key': 'JFBCWHksyIpXV+6Wlq/9pw==',
      'sec-websocket-version': '13',
      ...extra
    }
  };
}

/**
 * Wires a driver: output bytes are collected as hex, events logged as arrays.
 *
 * @param {Object} driver A driver
 * @return {Object} `{driver, out(), log}`
 */
function wire(driver) {
  const chunks = [];
  const log = [];
  driver.io.on('data', (d) => chunks.push(Buffer.from(d)));
  driver.on('open', () => log.push(['open']));
  driver.on('message', (e) => log.push(['message', typeof e.data === 'string' ? e.data : 'hex:' + e.data.toString('hex')]));
  driver.on('error', (e) => log.push(['error', e.message]));
  driver.on('close', (e) => log.push(['close', e.code, e.reason]));
  driver.on('ping', (e) => log.push(['ping', e.data]));
  driver.on('pong', (e) => log.push(['pong', e.data]));
  return {
    driver,
    log,
    /** @return {String} Everything written so far, as hex; clears it */
    out() {
      const hex = Buffer.concat(chunks).toString('hex');
      chunks.length = 0;
      return hex;
    }
  };
}

/**
 * An open server-side hybi driver of each implementation, with the same options.
 *
 * @param {Object} [options] Driver options (default `{masking: false}` as upstream's spec)
 * @param {Object} [headers] Extra request headers
 * @return {Object[]} `[oxws, upstream]` wired drivers, started, output cleared
 */
function openPair(options = { masking: false }, headers = {}) {
  return [
    new OxHybi(request(headers), 'ws://www.example.com/socket', { ...options }),
    new UpHybi(request(headers), 'ws://www.example.com/socket', { ...options })
  ].map((d) => {
    const w = wire(d);
    d.start();
    w.out();
    w.log.length = 0;
    return w;
  });
}

/**
 * @param {String} hex Hex digits (spaces allowed)
 * @return {Buffer} The bytes
 */
function hex(hex) {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}

/**
 * Masks a payload (frames from a client).
 *
 * @param {Buffer} payload The bytes
 * @param {Buffer} key The 4-byte key
 * @return {Buffer} The masked copy
 */
function mask(payload, key) {
  const out = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = payload[i] ^ key[i & 3];
  return out;
}

module.exports = { oxws, upstream, OxHybi, UpHybi, request, wire, openPair, hex, mask };
