//! Native WebSocket load generator for the oxws benchmarks.
//!
//! Opens `--conns` client connections to `ws://127.0.0.1:PORT/`, keeps `--inflight`
//! messages of `--size` bytes in flight on each (masked, binary), counts the echoes and
//! measures round-trip times, for `--seconds` (or until `--messages` echoes). Prints one
//! JSON line: `{"messages", "seconds", "p50_us", "p99_us", "bytes"}`.
//!
//! `--deflate` offers permessage-deflate (with `client_no_context_takeover`) and sends a
//! 1 KiB-class JSON text message compressed once up front (`--size` is then the size of the
//! uncompressed JSON); echoes are counted, not inflated. `--text` sends text frames.
//!
//! It runs on one thread (tokio current-thread) so it uses at most one core and the server
//! keeps the other; loopback only.

use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Args {
  port: u16,
  conns: usize,
  inflight: usize,
  size: usize,
  seconds: f64,
  messages: u64,
  churn: bool,
  deflate: bool,
  text: bool,
}

fn parse_args() -> Args {
  let mut a = Args { port: 0, conns: 1, inflight: 1, size: 32, seconds: 5.0, messages: u64::MAX, churn: false, deflate: false, text: false };
  let argv: Vec<String> = std::env::args().skip(1).collect();
  let mut i = 0;
  while i < argv.len() {
    let v = || argv.get(i + 1).cloned().unwrap_or_default();
    match argv[i].as_str() {
      "--port" => a.port = v().parse().expect("--port"),
      "--conns" => a.conns = v().parse().expect("--conns"),
      "--inflight" => a.inflight = v().parse().expect("--inflight"),
      "--size" => a.size = v().parse().expect("--size"),
      "--seconds" => a.seconds = v().parse().expect("--seconds"),
      "--messages" => a.messages = v().parse().expect("--messages"),
      "--churn" => {
        a.churn = true;
        i += 1;
        continue;
      }
      "--deflate" => {
        a.deflate = true;
        i += 1;
        continue;
      }
      "--text" => {
        a.text = true;
        i += 1;
        continue;
      }
      other => panic!("unknown argument {other}"),
    }
    i += 2;
  }
  assert!(a.port != 0, "--port is required");
  a
}

/// Opens a connection and completes the opening handshake.
async fn connect(addr: SocketAddr, deflate: bool) -> std::io::Result<TcpStream> {
  let mut s = TcpStream::connect(addr).await?;
  s.set_nodelay(true)?;
  let ext = if deflate {
    "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; client_max_window_bits\r\n"
  } else {
    ""
  };
  let req = format!(
    "GET / HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
     Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{ext}\r\n"
  );
  s.write_all(req.as_bytes()).await?;
  let mut buf = Vec::new();
  let mut byte = [0u8; 1];
  while !buf.ends_with(b"\r\n\r\n") {
    if s.read(&mut byte).await? == 0 {
      return Err(std::io::Error::other("closed during handshake"));
    }
    buf.push(byte[0]);
  }
  if !buf.starts_with(b"HTTP/1.1 101") {
    return Err(std::io::Error::other("handshake refused"));
  }
  if deflate && !String::from_utf8_lossy(&buf).to_ascii_lowercase().contains("permessage-deflate") {
    return Err(std::io::Error::other("permessage-deflate not negotiated"));
  }
  Ok(s)
}

/// A JSON document of about `size` bytes (repetitive, like real API traffic).
fn json(size: usize) -> Vec<u8> {
  let mut out = String::from("{\"items\":[");
  let mut i = 0;
  while out.len() + 64 < size {
    out.push_str(&format!("{{\"id\":{i},\"name\":\"item-{i}\",\"ok\":true}},"));
    i += 1;
  }
  out.push_str("{\"end\":true}]}");
  while out.len() < size {
    out.insert(out.len() - 2, ' ');
  }
  out.into_bytes()
}

/// The raw DEFLATE of one message without the 4-byte trailer (RFC 7692 §7.2.1).
fn compress(data: &[u8]) -> Vec<u8> {
  use flate2::{Compress, Compression, FlushCompress};
  let mut z = Compress::new(Compression::default(), false);
  let mut out = Vec::with_capacity(data.len() + 64);
  z.compress_vec(data, &mut out, FlushCompress::Sync).expect("deflate");
  assert!(out.ends_with(&[0, 0, 0xff, 0xff]));
  out.truncate(out.len() - 4);
  out
}

/// The message to send: a masked binary frame of `size` bytes, or (`--text`) text, or
/// (`--deflate`) compressed JSON text.
fn message(a: &Args) -> Vec<u8> {
  if a.deflate {
    return frame(0xc1, &compress(&json(a.size)));
  }
  if a.text {
    return frame(0x81, &vec![b'a'; a.size]);
  }
  frame(0x82, &(0..a.size).map(|i| i as u8).collect::<Vec<u8>>())
}

/// A masked frame with first byte `b0`.
fn frame(b0: u8, payload: &[u8]) -> Vec<u8> {
  let size = payload.len();
  let key = [0x12u8, 0x34, 0x56, 0x78];
  let mut out = vec![b0];
  if size < 126 {
    out.push(0x80 | size as u8);
  } else if size <= 0xffff {
    out.push(0x80 | 126);
    out.extend_from_slice(&(size as u16).to_be_bytes());
  } else {
    out.push(0x80 | 127);
    out.extend_from_slice(&(size as u64).to_be_bytes());
  }
  out.extend_from_slice(&key);
  out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
  out
}

/// Reads frames from `buf`, returning how many complete server frames it held and how
/// many bytes they used.
fn count_frames(buf: &[u8]) -> (usize, usize) {
  let (mut n, mut at) = (0, 0);
  loop {
    let rest = &buf[at..];
    if rest.len() < 2 {
      return (n, at);
    }
    let (len, hdr) = match rest[1] & 0x7f {
      126 if rest.len() >= 4 => (u16::from_be_bytes([rest[2], rest[3]]) as usize, 4),
      127 if rest.len() >= 10 => {
        let mut b = [0u8; 8];
        b.copy_from_slice(&rest[2..10]);
        (u64::from_be_bytes(b) as usize, 10)
      }
      126 | 127 => return (n, at),
      l => (l as usize, 2),
    };
    if rest.len() < hdr + len {
      return (n, at);
    }
    at += hdr + len;
    n += 1;
  }
}

/// Runs one connection: keeps `inflight` messages outstanding until `deadline`.
async fn run_conn(addr: SocketAddr, a: &Args, deadline: Instant, per_conn: u64) -> std::io::Result<(u64, Vec<u32>)> {
  let mut s = connect(addr, a.deflate).await?;
  let msg = message(a);
  let mut sent_at = std::collections::VecDeque::new();
  for _ in 0..a.inflight {
    s.write_all(&msg).await?;
    sent_at.push_back(Instant::now());
  }
  let mut buf = Vec::with_capacity(1 << 16);
  let mut chunk = vec![0u8; 1 << 16];
  let mut done = 0u64;
  let mut rtts = Vec::new();
  while Instant::now() < deadline && done < per_conn {
    let n = s.read(&mut chunk).await?;
    if n == 0 {
      break;
    }
    buf.extend_from_slice(&chunk[..n]);
    let (frames, used) = count_frames(&buf);
    buf.drain(..used);
    let mut out = Vec::new();
    for _ in 0..frames {
      if let Some(t) = sent_at.pop_front() {
        rtts.push(t.elapsed().as_micros() as u32);
      }
      done += 1;
      if done + (sent_at.len() as u64) < per_conn {
        out.extend_from_slice(&msg);
        sent_at.push_back(Instant::now());
      }
    }
    if !out.is_empty() {
      s.write_all(&out).await?;
    }
  }
  let _ = s.write_all(&[0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]).await;
  Ok((done, rtts))
}

async fn churn(addr: SocketAddr, deadline: Instant, limit: u64) -> std::io::Result<(u64, Vec<u32>)> {
  let mut done = 0u64;
  let mut times = Vec::new();
  while Instant::now() < deadline && done < limit {
    let t = Instant::now();
    let mut s = connect(addr, false).await?;
    s.write_all(&[0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]).await?;
    let mut b = [0u8; 64];
    while s.read(&mut b).await? > 0 {}
    times.push(t.elapsed().as_micros() as u32);
    done += 1;
  }
  Ok((done, times))
}

fn main() {
  let a = parse_args();
  let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
  let addr: SocketAddr = format!("127.0.0.1:{}", a.port).parse().expect("address");
  let start = Instant::now();
  let deadline = start + Duration::from_secs_f64(a.seconds);
  let (total, mut rtts) = rt.block_on(async {
    if a.churn {
      return churn(addr, deadline, a.messages).await.expect("churn");
    }
    let local = tokio::task::LocalSet::new();
    local
      .run_until(async {
        let per_conn = a.messages / a.conns as u64;
        let args = std::rc::Rc::new(Args { ..a });
        let mut handles = Vec::new();
        for _ in 0..args.conns {
          let args = args.clone();
          handles.push(tokio::task::spawn_local(async move { run_conn(addr, &args, deadline, per_conn.max(1)).await }));
        }
        let (mut total, mut rtts) = (0u64, Vec::new());
        for h in handles {
          let (n, r) = h.await.expect("task").expect("connection");
          total += n;
          rtts.extend(r);
        }
        (total, rtts)
      })
      .await
  });
  let secs = start.elapsed().as_secs_f64();
  rtts.sort_unstable();
  let pct = |p: f64| rtts.get(((rtts.len() as f64 * p) as usize).min(rtts.len().saturating_sub(1))).copied().unwrap_or(0);
  println!(
    "{{\"messages\":{total},\"seconds\":{secs:.3},\"p50_us\":{},\"p99_us\":{},\"bytes\":{}}}",
    pct(0.5),
    pct(0.99),
    total * a.size as u64
  );
}
