#!/usr/bin/env node
'use strict';

/**
 * `oxws`: a wscat-style command line tool.
 *
 *   oxws connect <url> [--header "Name: value"]... [--subprotocol p]... [--deflate]
 *                      [--binary] [--no-check]
 *   oxws listen <port> [--host 127.0.0.1] [--broadcast] [--deflate]
 *   oxws build
 *   oxws --help
 *
 * connect: each line typed is sent (as hex bytes with --binary); messages are printed as
 * they arrive ("< text", "< [binary] hex"); `/ping [data]`, `/close [code [reason]]`,
 * `/quit`. End of input closes the connection (code 1000).
 * listen: echoes every message back (or, with --broadcast, sends it to every client).
 * build: compiles the native addon from source with cargo into this package's directory
 * (`oxws.node`, which the loader tries before the prebuilt platform package); needs Rust.
 * It runs without the addon, so it is the way to get one where no prebuilt package fits.
 */

const path = require('path');
const { spawnSync } = require('child_process');

const HELP = `Usage:
  oxws connect <url> [options]   open a WebSocket and talk to it from stdin
  oxws listen <port> [options]   run an echo (or broadcast) server on 127.0.0.1
  oxws build                     compile the native addon from source (needs Rust) into
                                 this package's directory

connect options:
  -H, --header "Name: value"     add a request header (repeatable)
  -s, --subprotocol <name>       offer a subprotocol (repeatable)
      --deflate                  offer permessage-deflate
      --binary                   send each input line as hex bytes (e.g. "01 02 ff")
      --no-check                 accept any TLS certificate (wss:)

  In a session: type a line to send it; /ping [data]; /close [code [reason]]; /quit.

listen options:
      --host <address>           address to bind (default 127.0.0.1)
      --broadcast                send each message to every client instead of echoing it
      --deflate                  accept permessage-deflate

  -h, --help                     show this help
`;

/**
 * Prints an error and exits with status 1.
 *
 * @param {String} message The message
 * @param {Number} [code=1] Exit status
 */
function fail(message, code = 1) {
  process.stderr.write(`oxws: ${message}\n`);
  process.exit(code);
}

/**
 * Parses argv into `{command, positional, options}`.
 *
 * @param {String[]} argv Arguments after the script
 * @return {Object} The parsed command line
 */
function parseArgs(argv) {
  const out = { command: null, positional: [], headers: [], subprotocols: [], flags: new Set(), host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '-h':
      case '--help':
        out.flags.add('help');
        break;
      case '-H':
      case '--header':
        out.headers.push(value());
        break;
      case '-s':
      case '--subprotocol':
        out.subprotocols.push(value());
        break;
      case '--host':
        out.host = value();
        break;
      case '--deflate':
      case '--binary':
      case '--broadcast':
      case '--no-check':
        out.flags.add(arg.slice(2));
        break;
      default:
        if (arg.startsWith('-')) fail(`unknown option ${arg} (see oxws --help)`);
        if (out.command === null) out.command = arg;
        else out.positional.push(arg);
    }
  }
  return out;
}

/**
 * Parses "Name: value" headers.
 *
 * @param {String[]} lines The headers
 * @return {Object} name → value
 */
function parseHeaders(lines) {
  const headers = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) fail(`bad header "${line}" (expected "Name: value")`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * Parses hex input ("01 02 ff" or "0102ff").
 *
 * @param {String} line The input
 * @return {?Buffer} The bytes, or null when it is not hex
 */
function parseHex(line) {
  const digits = line.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-fA-F]/.test(digits)) return null;
  return Buffer.from(digits, 'hex');
}

function connect(args) {
  const WebSocket = require('..');
  const [url] = args.positional;
  if (!url) fail('connect needs a URL, e.g. oxws connect ws://127.0.0.1:8080');
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    fail(`"${url}" is not a valid URL`);
  }
  if (!['ws:', 'wss:', 'http:', 'https:', 'ws+unix:'].includes(parsed.protocol)) {
    fail(`"${url}" is not a WebSocket URL (use ws:// or wss://)`);
  }

  const binary = args.flags.has('binary');
  const ws = new WebSocket(url, args.subprotocols, {
    headers: parseHeaders(args.headers),
    perMessageDeflate: args.flags.has('deflate'),
    rejectUnauthorized: !args.flags.has('no-check')
  });
  let closing = false;

  ws.on('upgrade', () => {});
  ws.on('unexpected-response', (req, res) => {
    const lines = [`handshake refused: HTTP ${res.statusCode} ${res.statusMessage || ''}`.trimEnd()];
    for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`  ${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
    process.stderr.write(lines.join('\n') + '\n');
    req.destroy();
    process.exit(1);
  });
  ws.on('error', (err) => {
    if (err.code === 'ECONNREFUSED') fail(`connection refused: ${url}`);
    fail(err.message);
  });
  ws.on('open', () => {
    const extra = [ws.protocol && `subprotocol ${ws.protocol}`, ws.extensions && `extensions ${ws.extensions}`]
      .filter(Boolean)
      .join(', ');
    process.stdout.write(`connected to ${url}${extra ? ` (${extra})` : ''}\n`);
    startInput();
  });
  ws.on('message', (data, isBinary) => {
    process.stdout.write(isBinary ? `< [binary] ${data.toString('hex')}\n` : `< ${data.toString()}\n`);
  });
  ws.on('ping', (data) => process.stdout.write(`< [ping] ${data.toString()}\n`));
  ws.on('pong', (data) => process.stdout.write(`< [pong] ${data.toString()}\n`));
  ws.on('close', (code, reason) => {
    process.stdout.write(`closed: ${code}${reason.length ? ` ${reason}` : ''}\n`);
    process.exit(0);
  });

  function startInput() {
    const rl = require('readline').createInterface({ input: process.stdin, terminal: false });
    rl.on('line', (line) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (line.startsWith('/')) {
        const [cmd, ...rest] = line.slice(1).split(' ');
        if (cmd === 'ping') return ws.ping(rest.join(' '));
        if (cmd === 'quit') return ws.terminate();
        if (cmd === 'close') {
          const code = rest[0] === undefined ? 1000 : Number(rest[0]);
          closing = true;
          try {
            ws.close(code, rest.slice(1).join(' '));
          } catch (err) {
            closing = false;
            process.stderr.write(`oxws: ${err.message}\n`);
          }
          return;
        }
        process.stderr.write(`oxws: unknown command /${cmd} (use /ping, /close, /quit)\n`);
        return;
      }
      if (binary) {
        const bytes = parseHex(line);
        if (bytes === null) return process.stderr.write(`oxws: not hex: ${line}\n`);
        ws.send(bytes);
      } else {
        ws.send(line);
      }
    });
    rl.on('close', () => {
      if (!closing && ws.readyState === WebSocket.OPEN) ws.close(1000);
    });
  }
}

function listen(args) {
  const WebSocket = require('..');
  const [portArg] = args.positional;
  const port = Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`"${portArg}" is not a port number`);
  const broadcast = args.flags.has('broadcast');
  const wss = new WebSocket.WebSocketServer({
    host: args.host,
    port,
    perMessageDeflate: args.flags.has('deflate')
  });
  let next = 1;
  wss.on('error', (err) => fail(err.code === 'EADDRINUSE' ? `port ${port} is in use` : err.message));
  wss.on('listening', () => {
    const { address, port: bound } = wss.address();
    process.stdout.write(`listening on ws://${address}:${bound} (${broadcast ? 'broadcast' : 'echo'})\n`);
  });
  wss.on('connection', (ws, req) => {
    const id = next++;
    process.stdout.write(`client ${id} connected from ${req.socket.remoteAddress}\n`);
    ws.on('message', (data, isBinary) => {
      if (broadcast) wss.broadcast(data, { binary: isBinary });
      else ws.send(data, { binary: isBinary });
    });
    ws.on('error', () => {});
    ws.on('close', (code) => process.stdout.write(`client ${id} closed: ${code}\n`));
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close(() => process.exit(0));
    });
  }
}

/**
 * `oxws build`: runs `scripts/build.js` with the remaining arguments and exits with its
 * status. It does not load the addon, so it works where none is installed.
 *
 * @param {String[]} argv Arguments after `build`
 */
function build(argv) {
  const script = path.join(__dirname, '..', 'scripts', 'build.js');
  const result = spawnSync(process.execPath, [script, ...argv], { stdio: 'inherit' });
  if (result.error) fail(`could not run ${script}: ${result.error.message}`);
  process.exit(result.status === null ? 1 : result.status);
}

if (process.argv[2] === 'build') build(process.argv.slice(3));

const args = parseArgs(process.argv.slice(2));
if (args.flags.has('help') || args.command === null) {
  process.stdout.write(HELP);
  process.exit(args.command === null && !args.flags.has('help') ? 1 : 0);
}
if (args.command === 'connect') connect(args);
else if (args.command === 'listen') listen(args);
else fail(`unknown command "${args.command}" (see oxws --help)`);
