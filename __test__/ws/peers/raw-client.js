'use strict';

/**
 * A raw TCP WebSocket client run as a child process (so that it keeps writing while the
 * test's own JS thread is blocked): `node raw-client.js <port> <plan as JSON>`.
 *
 * After the handshake it writes masked frames one write at a time, the next once the kernel
 * took the last (`socket.write` callback), and prints one JSON line to stdout when it stops:
 * `{ accepted, acceptedAt, frames, closed }`: the bytes the kernel had taken `reportAfterMs`
 * after the first frame (`acceptedAt`), the bytes it took in all (`accepted`), the frames
 * written, and whether the server closed the connection first.
 *
 * Plan: `{ opcode, size, count, batch, reportAfterMs, read }`: `count` frames of `size`
 * payload bytes with `opcode` (2 binary, 9 ping), `batch` frames per write (default 1), then
 * a close frame; `read: false` stops reading after the handshake until the close frame is
 * written (pongs pile up unread).
 */

const net = require('net');
const { frame } = require('../../helpers/frames');

const port = Number(process.argv[2]);
const plan = JSON.parse(process.argv[3]);
const KEY = Buffer.from([0x12, 0x34, 0x56, 0x78]);

const socket = net.connect(port, '127.0.0.1');
const batch = plan.batch || 1;
const chunk = Buffer.concat(
  Array.from({ length: batch }, () => frame(0x80 | plan.opcode, Buffer.alloc(plan.size, 0x61), KEY))
);
let accepted = 0;
let acceptedAt = null;
let frames = 0;
let closed = false;
let reported = false;

/** Prints the report, then exits with `code` (once the pipe took the line). */
function reportAndExit(code) {
  if (reported) return;
  reported = true;
  const line = JSON.stringify({ accepted, acceptedAt: acceptedAt ?? accepted, frames, closed }) + '\n';
  process.stdout.write(line, () => process.exit(code));
}

function writeNext() {
  if (closed) return;
  if (frames >= plan.count) {
    socket.end(frame(0x88, Buffer.from([0x03, 0xe8]), KEY));
    socket.on('data', () => {}); // reads again, to see the server's close
    socket.resume();
    return;
  }
  frames += batch;
  socket.write(chunk, (err) => {
    if (err) return;
    accepted += chunk.length;
    writeNext();
  });
}

socket.on('connect', () => {
  socket.write(
    'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
  );
});

let head = '';
function onHandshake(data) {
  head += data.toString('latin1');
  if (!head.includes('\r\n\r\n')) return;
  socket.removeListener('data', onHandshake);
  if (plan.read === false) socket.pause();
  else socket.on('data', () => {});
  setTimeout(() => (acceptedAt = accepted), plan.reportAfterMs || 0);
  writeNext();
}
socket.on('data', onHandshake);
socket.on('error', () => {});
socket.on('close', () => {
  clearTimeout(deadline);
  closed = frames < plan.count;
  reportAndExit(0);
});
const deadline = setTimeout(() => reportAndExit(2), 60000);
