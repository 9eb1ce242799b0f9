//! Native echo server for the client-side benchmarks: accepts WebSocket connections on
//! 127.0.0.1:PORT (prints the port), answers the handshake, and echoes every data frame
//! unmasked (same opcode, FIN kept); pings get pongs; a close is echoed and ends the
//! connection. One thread, so it uses at most one core. No extensions.

use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn accept_key(key: &str) -> String {
  // SHA-1 + base64, small local implementations (the loadgen has no crypto dependency).
  let mut data = key.as_bytes().to_vec();
  data.extend_from_slice(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
  base64(&sha1(&data))
}

fn sha1(msg: &[u8]) -> [u8; 20] {
  let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
  let mut m = msg.to_vec();
  let bits = (msg.len() as u64) * 8;
  m.push(0x80);
  while m.len() % 64 != 56 {
    m.push(0);
  }
  m.extend_from_slice(&bits.to_be_bytes());
  for block in m.chunks(64) {
    let mut w = [0u32; 80];
    for i in 0..16 {
      w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
    }
    for i in 16..80 {
      w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
    }
    let (mut a, mut b, mut c, mut d, mut e) = (h[0], h[1], h[2], h[3], h[4]);
    for (i, wi) in w.iter().enumerate() {
      let (f, k) = match i {
        0..=19 => ((b & c) | (!b & d), 0x5A827999),
        20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
        40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
        _ => (b ^ c ^ d, 0xCA62C1D6),
      };
      let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
      e = d;
      d = c;
      c = b.rotate_left(30);
      b = a;
      a = t;
    }
    for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
      *x = x.wrapping_add(y);
    }
  }
  let mut out = [0u8; 20];
  for (i, x) in h.iter().enumerate() {
    out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
  }
  out
}

fn base64(data: &[u8]) -> String {
  const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let mut out = String::new();
  for c in data.chunks(3) {
    let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
    for i in 0..4 {
      if i <= c.len() {
        out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
      } else {
        out.push('=');
      }
    }
  }
  out
}

async fn serve(mut s: TcpStream) -> std::io::Result<()> {
  s.set_nodelay(true)?;
  let mut buf = Vec::with_capacity(1 << 16);
  let mut chunk = vec![0u8; 1 << 16];
  // Handshake.
  loop {
    let n = s.read(&mut chunk).await?;
    if n == 0 {
      return Ok(());
    }
    buf.extend_from_slice(&chunk[..n]);
    if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
      let head = String::from_utf8_lossy(&buf[..end]).to_string();
      let key = head
        .lines()
        .find_map(|l| l.strip_prefix("Sec-WebSocket-Key:").or_else(|| l.strip_prefix("sec-websocket-key:")))
        .map(str::trim)
        .unwrap_or("")
        .to_string();
      let resp = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
        accept_key(&key)
      );
      s.write_all(resp.as_bytes()).await?;
      buf.drain(..end + 4);
      break;
    }
  }
  let mut out = Vec::with_capacity(1 << 16);
  loop {
    // Echo every complete frame in the buffer.
    let mut at = 0;
    loop {
      let rest = &buf[at..];
      if rest.len() < 2 {
        break;
      }
      let (len, mut hdr) = match rest[1] & 0x7f {
        126 if rest.len() >= 4 => (u16::from_be_bytes([rest[2], rest[3]]) as usize, 4),
        127 if rest.len() >= 10 => (u64::from_be_bytes(rest[2..10].try_into().unwrap()) as usize, 10),
        126 | 127 => break,
        l => (l as usize, 2),
      };
      let masked = rest[1] & 0x80 != 0;
      let key = if masked {
        if rest.len() < hdr + 4 {
          break;
        }
        let k = [rest[hdr], rest[hdr + 1], rest[hdr + 2], rest[hdr + 3]];
        hdr += 4;
        Some(k)
      } else {
        None
      };
      if rest.len() < hdr + len {
        break;
      }
      let b0 = rest[0];
      let opcode = b0 & 0x0f;
      let reply_b0 = if opcode == 9 { (b0 & 0xf0) | 0x0a } else { b0 };
      if opcode != 10 {
        out.push(reply_b0);
        if len < 126 {
          out.push(len as u8);
        } else if len <= 0xffff {
          out.push(126);
          out.extend_from_slice(&(len as u16).to_be_bytes());
        } else {
          out.push(127);
          out.extend_from_slice(&(len as u64).to_be_bytes());
        }
        let start = out.len();
        out.extend_from_slice(&rest[hdr..hdr + len]);
        if let Some(k) = key {
          for (i, b) in out[start..].iter_mut().enumerate() {
            *b ^= k[i & 3];
          }
        }
      }
      at += hdr + len;
      if opcode == 8 {
        s.write_all(&out).await?;
        return Ok(());
      }
    }
    buf.drain(..at);
    if !out.is_empty() {
      s.write_all(&out).await?;
      out.clear();
    }
    let n = s.read(&mut chunk).await?;
    if n == 0 {
      return Ok(());
    }
    buf.extend_from_slice(&chunk[..n]);
  }
}

fn main() {
  let port: u16 = std::env::args().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
  let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
  rt.block_on(async {
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("address");
    let listener = TcpListener::bind(addr).await.expect("bind");
    println!("{}", listener.local_addr().expect("addr").port());
    let local = tokio::task::LocalSet::new();
    local
      .run_until(async move {
        loop {
          let (s, _) = listener.accept().await.expect("accept");
          tokio::task::spawn_local(async move {
            let _ = serve(s).await;
          });
        }
      })
      .await;
  });
}
