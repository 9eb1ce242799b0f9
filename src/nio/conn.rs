//! One connection's task: reads what the socket has, writes its queue with vectored writes,
//! obeys commands (write, end, pause, destroy), reports to the inbox.

use super::{kind, lock, Batch, Command, Mailbox, Shared, CONNECTION_INBOX_MAX, INBOX_MAX};
use crate::proto::{Decoder, Event, Payload};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::io::{AsyncWriteExt, Interest};
use tokio::net::TcpStream;

/// Read buffer size: 64 KiB, one per runtime thread (shared by every connection, so an idle
/// connection holds no read buffer).
const READ_BUFFER: usize = 64 * 1024;
/// Bytes read from one connection per wake-up before the others get a turn: 256 KiB.
const READ_BUDGET: usize = 256 * 1024;
/// Most buffers in one vectored write: 64.
const MAX_SLICES: usize = 64;

thread_local! {
  static READ: RefCell<Vec<u8>> = RefCell::new(vec![0; READ_BUFFER]);
  /// The decoder's event list and the events of the read being handled, shared by the
  /// connections of this runtime thread (a read is decoded and reported within one poll), so
  /// an idle connection keeps no such buffers.
  static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
  /// Commands taken from a mailbox, being applied.
  static COMMANDS: RefCell<Vec<Command>> = const { RefCell::new(Vec::new()) };
}

/// Per-thread buffers for decoding one read (see `SCRATCH`).
#[derive(Default)]
struct Scratch {
  events: Vec<Event>,
  batch: Batch,
}

/// State of one connection.
struct Conn {
  id: u32,
  stream: TcpStream,
  shared: Arc<Shared>,
  queue: VecDeque<Vec<u8>>,
  /// Bytes of `queue[0]` already written.
  written_head: usize,
  paused: bool,
  reading: bool,
  ending: bool,
  finished: bool,
  /// Decodes reads into WebSocket events.
  decoder: Decoder,
  /// A close frame or a protocol error ended the stream: later bytes are read and dropped.
  concluded: bool,
  /// Commands from the embedder (through the router).
  mailbox: Arc<Mailbox>,
  /// The mailbox's `writing` as this task last set it.
  writing: bool,
  /// Bytes this connection put in the inbox since the take numbered `inboxed_epoch` (see
  /// [`CONNECTION_INBOX_MAX`]).
  inboxed: usize,
  inboxed_epoch: u64,
  /// Changes after every take (wakes a connection stopped at an inbox bound).
  taken: tokio::sync::watch::Receiver<()>,
}

/// What to do after a command.
enum Next {
  Continue,
  Close,
}

impl Conn {
  fn apply(&mut self, command: Command) -> Next {
    match command {
      Command::Write(data) => {
        if !data.is_empty() && !self.ending {
          self.queue.push_back(data);
        }
      }
      Command::End => self.ending = true,
      Command::Pause(paused) => self.paused = paused,
      Command::Destroy => return Next::Close,
    }
    Next::Continue
  }

  /// Reads until the socket would block, the peer ends, or the budget is spent; reports
  /// everything read in one batch.
  fn read_some(&mut self) -> io::Result<()> {
    READ.with_borrow_mut(|buf| SCRATCH.with_borrow_mut(|scratch| self.read_into(buf, scratch)))
  }

  /// [`Conn::read_some`] with the thread's buffers.
  fn read_into(&mut self, buf: &mut [u8], scratch: &mut Scratch) -> io::Result<()> {
    let result = (|| {
      let mut total = 0;
      while total < READ_BUDGET && self.inboxed + scratch.batch.held_bytes() < CONNECTION_INBOX_MAX
      {
        match self.stream.try_read(buf) {
          Ok(0) => {
            self.reading = false;
            scratch.batch.push(kind::END, self.id, 0, 0);
            return Ok(());
          }
          Ok(n) => {
            let short = n < buf.len();
            let chunk = &mut buf[..n];
            // The decoder is fuzzed and has no known panic; if one ever happens, this
            // connection fails (ERROR, CLOSED) instead of its task vanishing silently.
            let decoded = panic::catch_unwind(AssertUnwindSafe(|| self.decode(chunk, scratch)));
            if decoded.is_err() {
              return Err(io::Error::other("oxws: the frame decoder panicked"));
            }
            total += n;
            if short {
              // A short read emptied the socket: drop its readiness now instead of paying
              // a read that would block (as tokio's own `poll_read` does). Epoll is
              // edge-triggered, so bytes arriving from now on raise readiness again.
              let _ = self.stream.try_io(Interest::READABLE, || {
                Err::<(), _>(io::ErrorKind::WouldBlock.into())
              });
              return Ok(());
            }
          }
          Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
          Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
          Err(e) => return Err(e),
        }
      }
      Ok(())
    })();
    self.report(&mut scratch.batch);
    result
  }

  /// Hands locally collected events to the inbox, counting them against this connection's
  /// share.
  fn report(&mut self, batch: &mut Batch) {
    let (epoch, bytes) = self.shared.report_batch(batch);
    if epoch != self.inboxed_epoch {
      self.inboxed_epoch = epoch;
      self.inboxed = 0;
    }
    self.inboxed += bytes;
  }

  /// Whether this connection must wait for the embedder to take the inbox before reading
  /// more: its events there reach [`CONNECTION_INBOX_MAX`], or everyone's reach [`INBOX_MAX`].
  /// Marks the current take as seen first, so a take from here on wakes `taken.changed()`.
  fn inbox_full(&mut self) -> bool {
    self.taken.borrow_and_update();
    let epoch = self.shared.epoch.load(Ordering::SeqCst);
    if epoch != self.inboxed_epoch {
      self.inboxed_epoch = epoch;
      self.inboxed = 0;
    }
    self.inboxed >= CONNECTION_INBOX_MAX || self.shared.held.load(Ordering::SeqCst) >= INBOX_MAX
  }

  /// Reports what was read, decoded (the decoder unmasks `chunk` in place).
  fn received(&mut self, chunk: &mut [u8]) {
    SCRATCH.with_borrow_mut(|scratch| {
      self.decode(chunk, scratch);
      self.report(&mut scratch.batch);
    });
  }

  /// Turns a read into events in `scratch.batch`.
  fn decode(&mut self, chunk: &mut [u8], scratch: &mut Scratch) {
    if self.concluded {
      return;
    }
    let (id, out, decoder) = (self.id, &mut scratch.batch, &mut self.decoder);
    let events = &mut scratch.events;
    let mut pos = 0;
    loop {
      events.clear();
      let result = decoder.feed(chunk, pos, events);
      for event in events.drain(..) {
        match event {
          Event::Message {
            binary, payload, ..
          } => {
            let kind = if binary { kind::BINARY } else { kind::TEXT };
            match payload {
              Payload::Chunk { start, end } => out.push_data(kind, id, &[&chunk[start..end]]),
              Payload::Held => out.push_owned(kind, id, decoder.take_message()),
            }
          }
          Event::Ping(payload) | Event::Pong(payload) => {
            let kind = if matches!(event, Event::Ping(_)) {
              kind::PING
            } else {
              kind::PONG
            };
            match payload {
              Payload::Chunk { start, end } => out.push_data(kind, id, &[&chunk[start..end]]),
              Payload::Held => out.push_data(kind, id, &[decoder.control_payload()]),
            }
          }
          Event::Close {
            code,
            payload,
            reason_start,
          } => {
            let whole = match payload {
              Payload::Chunk { start, end } => &chunk[start..end],
              Payload::Held => decoder.control_payload(),
            };
            out.push_data(
              kind::CLOSE,
              id,
              &[&code.to_be_bytes(), &whole[reason_start..]],
            );
            self.concluded = true;
          }
        }
      }
      match result {
        Ok(next) if !self.concluded && next < chunk.len() => pos = next,
        Ok(_) => return,
        Err(e) => {
          out.push(kind::PROTOCOL_ERROR, id, e.index().into(), e.detail());
          self.concluded = true;
          return;
        }
      }
    }
  }

  /// Writes as much of the queue as the socket takes now.
  fn write_some(&mut self) -> io::Result<()> {
    let mut total = 0usize;
    while !self.queue.is_empty() {
      let mut slices = [IoSlice::new(&[]); MAX_SLICES];
      let mut count = 0;
      for (i, buf) in self.queue.iter().take(MAX_SLICES).enumerate() {
        let start = if i == 0 { self.written_head } else { 0 };
        slices[count] = IoSlice::new(&buf[start..]);
        count += 1;
      }
      match self.stream.try_write_vectored(&slices[..count]) {
        Ok(n) => {
          total += n;
          self.consume(n);
        }
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
        Err(e) => return Err(e),
      }
    }
    if total > 0 {
      self.shared.report(
        kind::WRITTEN,
        self.id,
        0,
        u32::try_from(total).unwrap_or(u32::MAX),
      );
    }
    Ok(())
  }

  /// Drops `n` written bytes from the front of the queue.
  fn consume(&mut self, mut n: usize) {
    while n > 0 {
      let Some(front) = self.queue.front() else {
        return;
      };
      let left = front.len() - self.written_head;
      if n < left {
        self.written_head += n;
        return;
      }
      n -= left;
      self.written_head = 0;
      self.queue.pop_front();
    }
  }

  /// Applies the commands waiting in the mailbox, in order; `Close` on `Destroy`.
  fn take_commands(&mut self) -> Next {
    COMMANDS.with_borrow_mut(|taken| {
      {
        let mut state = lock(&self.mailbox.state);
        std::mem::swap(&mut state.commands, taken);
        state.pending -= u32::try_from(taken.len())
          .unwrap_or(u32::MAX)
          .min(state.pending);
        // Under the same lock: from here on the embedder must not write directly until this
        // task's queue is written (or ever, once the connection is ending).
        for command in taken.iter() {
          match command {
            Command::Write(data) if !data.is_empty() => state.writing = true,
            Command::End | Command::Destroy => state.fd = -1,
            _ => {}
          }
        }
        self.writing = state.writing;
      }
      let mut next = Next::Continue;
      for command in taken.drain(..) {
        if let Next::Close = next {
          continue; // dropped with the connection
        }
        next = self.apply(command);
      }
      if let Next::Close = next {
        // As when a Node socket is destroyed: what the kernel takes now is sent (bytes
        // written just before `destroy()`, such as a last message or a close frame), the
        // rest is dropped.
        if !self.queue.is_empty() {
          let _ = self.write_some();
        }
      }
      next
    })
  }

  /// Lets the embedder write directly again once the queue is written.
  fn queue_written(&mut self) {
    if self.writing && self.queue.is_empty() {
      lock(&self.mailbox.state).writing = false;
      self.writing = false;
    }
  }

  async fn serve(&mut self) -> io::Result<()> {
    loop {
      if self.ending && !self.finished && self.queue.is_empty() {
        self.stream.shutdown().await?;
        self.finished = true;
        self.shared.report(kind::FINISHED, self.id, 0, 0);
      }
      if self.finished && !self.reading {
        return Ok(());
      }
      let wants_read = self.reading && !self.paused;
      let held_back = wants_read && self.inbox_full();
      let can_read = wants_read && !held_back;
      let can_write = !self.queue.is_empty();
      tokio::select! {
        biased;
        () = self.mailbox.ready.notified() => {
          // Every command queued so far, so one vectored write carries them all.
          if let Next::Close = self.take_commands() {
            return Ok(());
          }
          if !self.queue.is_empty() {
            self.write_some()?;
          }
          self.queue_written();
        }
        ready = self.stream.writable(), if can_write => {
          ready?;
          self.write_some()?;
          self.queue_written();
        }
        ready = self.stream.readable(), if can_read => {
          ready?;
          self.read_some()?;
        }
        // The embedder took the inbox: read again (checked at the top of the loop).
        _ = self.taken.changed(), if held_back => {}
      }
    }
  }
}

/// Runs one connection until it closes, then reports `CLOSED` (after `ERROR` if it failed).
pub(super) async fn run(
  id: u32,
  stream: TcpStream,
  mut head: Vec<u8>,
  decoder: Decoder,
  mailbox: Arc<Mailbox>,
  shared: Arc<Shared>,
) {
  let (inboxed_epoch, taken) = (
    shared.epoch.load(Ordering::SeqCst),
    shared.taken.subscribe(),
  );
  let mut conn = Conn {
    id,
    stream,
    shared,
    queue: VecDeque::new(),
    written_head: 0,
    paused: false,
    reading: true,
    ending: false,
    finished: false,
    decoder,
    concluded: false,
    inboxed: 0,
    inboxed_epoch,
    taken,
    mailbox,
    writing: false,
  };
  if !head.is_empty() {
    conn.received(&mut head);
  }
  if let Err(e) = conn.serve().await {
    let errno = e.raw_os_error().unwrap_or(0);
    conn
      .shared
      .report(kind::ERROR, id, u32::try_from(errno).unwrap_or(0), 0);
  }
  // No direct write from the embedder once the socket may be closed (its number reused).
  lock(&conn.mailbox.state).fd = -1;
  let shared = Arc::clone(&conn.shared);
  drop(conn); // closes the socket before JS hears of it
  shared.report(kind::CLOSED, id, 0, 0);
}
