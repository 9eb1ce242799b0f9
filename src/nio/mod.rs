//! Native socket I/O (opt-in `nativeIO` mode): TCP connections whose file descriptor was
//! handed over by Node are read and written by a tokio runtime on one thread of its own.
//!
//! Each connection has a task that reads whatever the socket has, writes its queue with
//! vectored writes (the embedder writes a connection whose queue is empty itself, on its own
//! thread: see [`Io::write_batch`]), and reports to one shared inbox: bytes written, end of input, shutdown
//! done, errors and close, and what was read, decoded by the connection's [`Decoder`] (the
//! sans-I/O core) into WebSocket events (messages already unmasked, validated and inflated,
//! control frames, the protocol error that ends the stream), so the JS thread never sees
//! frames. The embedder is told once whenever the inbox goes from empty to non-empty
//! ([`Io::new`]'s `wake`) and takes everything in one [`Io::take`], so the JS thread pays
//! one cross-thread call per batch of events from any number of connections, not one per
//! read.

mod conn;

use crate::proto::encoder::{write_header, FrameOptions, MaskPool};
use crate::proto::header::MAX_HEADER_LEN;
use crate::proto::mask::extend_masked;
use crate::proto::{Decoder, OpCode};
use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Event kinds in [`Batch::events`] (each event is 4 `u32`: kind, connection id, a, b).
pub mod kind {
  /// Bytes written to the kernel: `b` = count.
  pub const WRITTEN: u32 = 1;
  /// The peer finished sending (FIN).
  pub const END: u32 = 2;
  /// Our side was shut down after everything queued was written (`end()` done).
  pub const FINISHED: u32 = 3;
  /// A socket error: `a` = errno (0 when unknown).
  pub const ERROR: u32 = 4;
  /// The connection is closed and forgotten; no event for this id follows.
  pub const CLOSED: u32 = 5;
  /// A text message: `a` = offset in the batch's data, `b` = length.
  pub const TEXT: u32 = 6;
  /// A binary message: `a` = offset, `b` = length.
  pub const BINARY: u32 = 7;
  /// A ping: its payload at `a`, length `b`.
  pub const PING: u32 = 8;
  /// A pong: its payload at `a`, length `b`.
  pub const PONG: u32 = 9;
  /// A close frame: 2 bytes of status code (1005 when absent), then the reason.
  pub const CLOSE: u32 = 10;
  /// A protocol error (the stream ends): `a` = error index, `b` = detail, as the receiver
  /// binding reports them (`describeError`).
  pub const PROTOCOL_ERROR: u32 = 11;
}

/// What the embedder takes from the inbox: the payloads of the messages and control frames,
/// and the events.
#[derive(Debug, Default)]
pub struct Batch {
  /// Concatenated payloads of the events that carry one (`TEXT`, `BINARY`, `PING`, `PONG`,
  /// `CLOSE`).
  pub data: Vec<u8>,
  /// `[kind, id, a, b]` per event, in the order they happened.
  pub events: Vec<u32>,
}

impl Batch {
  /// What the batch counts for in the inbox bounds ([`CONNECTION_INBOX_MAX`], [`INBOX_MAX`]).
  fn held_bytes(&self) -> usize {
    self.data.len() + self.events.len() / 4 * EVENT_BYTES
  }

  /// Appends an event whose data is `parts` concatenated (`a` = offset, `b` = length).
  fn push_data(&mut self, kind: u32, id: u32, parts: &[&[u8]]) {
    let at = self.data.len();
    for part in parts {
      self.data.extend_from_slice(part);
    }
    let len = self.data.len() - at;
    self
      .events
      .extend_from_slice(&[kind, id, at as u32, len as u32]);
  }

  /// Appends an event whose data is `bytes` (moved in, not copied, when no data is held yet).
  fn push_owned(&mut self, kind: u32, id: u32, bytes: Vec<u8>) {
    if !self.data.is_empty() || bytes.len() < MOVE_AT_LEAST {
      self.push_data(kind, id, &[&bytes]);
      return;
    }
    let len = bytes.len() as u32;
    self.data = bytes;
    self.events.extend_from_slice(&[kind, id, 0, len]);
  }

  /// Appends an event without data.
  fn push(&mut self, kind: u32, id: u32, a: u32, b: u32) {
    self.events.extend_from_slice(&[kind, id, a, b]);
  }
}

/// `head` of a write part: frame the part (first header byte in the low 8 bits).
pub const HEAD_FRAME: u32 = 0x100;
/// `head` of a write part: mask the frame with a fresh random key (client connections).
pub const HEAD_MASKED: u32 = 0x200;

/// The frame options of a write part's `head` (first header byte in the low 8 bits).
fn frame_options(head: u32, mask: Option<[u8; 4]>) -> FrameOptions {
  let first = head as u8;
  FrameOptions {
    opcode: OpCode::from(first),
    fin: first & 0x80 != 0,
    rsv1: first & 0x40 != 0,
    mask,
  }
}

/// Appends one frame: the header (first byte `head & 0xff`: FIN, RSV and opcode bits), then
/// `payload`, masked with the next key of `masks` when `head` has [`HEAD_MASKED`].
fn append_frame(out: &mut Vec<u8>, head: u32, payload: &[u8], masks: &mut MaskPool) {
  let opts = frame_options(head, (head & HEAD_MASKED != 0).then(|| masks.next_key()));
  let mut header = [0u8; MAX_HEADER_LEN];
  let n = write_header(&mut header, payload.len(), &opts);
  out.reserve(n + payload.len());
  out.extend_from_slice(&header[..n]);
  match opts.mask {
    Some(key) => extend_masked(out, payload, key, 0),
    None => out.extend_from_slice(payload),
  }
}

/// Most bytes of one connection's events (their data plus 16 bytes per event) waiting in the
/// inbox for the embedder to take: 1 MiB. A connection that reaches it is not read again
/// until the embedder takes the batch, so a busy JS thread holds the peer back through TCP
/// (as a Node socket does while its loop is busy) instead of the inbox growing. A read or a
/// message in progress may pass it by up to one read (64 KiB) or one message.
pub const CONNECTION_INBOX_MAX: usize = 1024 * 1024;
/// Most bytes of all connections' events waiting in the inbox: 16 MiB. Past it, no connection
/// is read until the embedder takes the batch.
pub const INBOX_MAX: usize = 16 * 1024 * 1024;
/// Bytes an event counts for in the inbox bounds, besides its data (its 4 `u32`s).
const EVENT_BYTES: usize = 16;

/// Data of at least this size (64 KiB) is moved between batches rather than copied.
const MOVE_AT_LEAST: usize = 64 * 1024;

/// Whether events of `kind` carry data (their `a` is an offset into [`Batch::data`]).
fn carries_data(kind: u32) -> bool {
  matches!(
    kind,
    kind::TEXT | kind::BINARY | kind::PING | kind::PONG | kind::CLOSE
  )
}

/// The shared event queue.
#[derive(Default)]
struct Inbox {
  batch: Batch,
  /// The embedder was woken and has not taken the batch yet.
  woken: bool,
}

/// A command for a connection's task.
#[derive(Debug)]
enum Command {
  Write(Vec<u8>),
  End,
  Destroy,
  Pause(bool),
}

/// A connection's commands, filled by the router (and, for the rest of a direct write, by
/// the embedder) and drained by the connection's task (a `Vec` behind a lock and a `Notify`:
/// ~100 bytes, where a tokio channel allocated a 32-slot block, ~1.4 KiB, per connection).
struct Mailbox {
  state: Mutex<MailboxState>,
  ready: tokio::sync::Notify,
}

/// What the embedder's thread and the connection's task share, under the mailbox's lock.
struct MailboxState {
  commands: Vec<Command>,
  /// Commands the embedder issued that the task has not taken yet (in the outbox, with the
  /// router, or in `commands`).
  pending: u32,
  /// The task has bytes queued (it took a write and has not written all of its queue).
  writing: bool,
  /// The socket's descriptor while the embedder may write to it directly; -1 once the task
  /// took `End` or `Destroy` or stopped (set before the socket is closed, so the embedder
  /// never writes to a closed or reused descriptor).
  fd: RawFd,
}

impl Mailbox {
  fn new(fd: RawFd) -> Mailbox {
    Mailbox {
      state: Mutex::new(MailboxState {
        commands: Vec::new(),
        pending: 0,
        writing: false,
        fd,
      }),
      ready: tokio::sync::Notify::new(),
    }
  }
}

/// Writes `parts` in order to the socket `fd` from the calling thread, without blocking;
/// returns how many bytes the kernel took (fewer when its buffer is full or the write failed:
/// the connection's task then writes the rest, waiting for room, and reports any error
/// itself).
///
/// # Safety
/// `fd` is an open, non-blocking TCP socket that stays open for the call (the caller holds
/// the mailbox lock under which the task clears `fd` before closing it).
unsafe fn write_now(fd: RawFd, parts: &[&[u8]]) -> usize {
  use std::io::Write;
  use std::os::fd::FromRawFd;
  // SAFETY: see the function's contract; `ManuallyDrop` never closes the descriptor.
  // `TcpStream::write` is `send(.., MSG_NOSIGNAL)`: a reset peer is an error, not SIGPIPE.
  let stream = std::mem::ManuallyDrop::new(unsafe { std::net::TcpStream::from_raw_fd(fd) });
  let mut total = 0;
  for part in parts {
    let mut done = 0;
    while done < part.len() {
      match (&*stream).write(&part[done..]) {
        Ok(0) => return total + done,
        Ok(n) => done += n,
        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
        Err(_) => return total + done,
      }
    }
    total += done;
  }
  total
}

/// The bytes of one write: in a buffer of their own, or still in the caller's memory (then
/// only what the kernel does not take at once is copied, for the I/O thread).
enum Outgoing<'a> {
  Owned(Vec<u8>),
  Borrowed(&'a [&'a [u8]]),
}

impl Outgoing<'_> {
  fn len(&self) -> usize {
    match self {
      Outgoing::Owned(bytes) => bytes.len(),
      Outgoing::Borrowed(parts) => parts.iter().map(|p| p.len()).sum(),
    }
  }

  /// Writes them now (see [`write_now`] for the contract on `fd`).
  unsafe fn write_now(&self, fd: RawFd) -> usize {
    match self {
      // SAFETY: the contract on `fd` is this function's, forwarded from the caller.
      Outgoing::Owned(bytes) => unsafe { write_now(fd, &[bytes]) },
      // SAFETY: as above.
      Outgoing::Borrowed(parts) => unsafe { write_now(fd, parts) },
    }
  }

  /// What is left after the first `n` bytes, in a buffer of its own.
  fn rest(self, mut n: usize) -> Vec<u8> {
    match self {
      Outgoing::Owned(mut bytes) => {
        bytes.drain(..n);
        bytes
      }
      Outgoing::Borrowed(parts) => {
        let mut out = Vec::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() - n);
        for part in parts {
          let skip = n.min(part.len());
          out.extend_from_slice(&part[skip..]);
          n -= skip;
        }
        out
      }
    }
  }
}

struct Shared {
  inbox: Mutex<Inbox>,
  /// Bytes the inbox holds (see [`Batch::held_bytes`]); reset when the embedder takes it.
  held: AtomicUsize,
  /// The most `held` has been since [`Io::take_held_peak`] last read it.
  held_peak: AtomicUsize,
  /// Takes so far (incremented under the inbox lock): a connection's count of the bytes it
  /// put in the inbox belongs to the take it was counted in.
  epoch: AtomicU64,
  /// Signalled after every take, for connections that stopped reading at an inbox bound.
  taken: tokio::sync::watch::Sender<()>,
  wake: Box<dyn Fn() + Send + Sync>,
  /// Commands from the embedder, in order, for the router task to hand to connections: one
  /// lock and at most one cross-thread wake-up per batch, however many connections it
  /// touches.
  outbox: Mutex<Vec<(u32, Command)>>,
  outbox_ready: tokio::sync::Notify,
  /// Each open connection's mailbox (used by the router, on the runtime thread).
  mailboxes: Mutex<HashMap<u32, Arc<Mailbox>>>,
}

/// Locks a mutex, using the data even if a panic poisoned it (every update is whole).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
  mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The runtime-side half of the outbox: hands each command to its connection's task.
async fn route(shared: Arc<Shared>) {
  loop {
    shared.outbox_ready.notified().await;
    let commands = std::mem::take(&mut *lock(&shared.outbox));
    let mailboxes = lock(&shared.mailboxes);
    for (id, command) in commands {
      if let Some(mailbox) = mailboxes.get(&id) {
        let mut state = lock(&mailbox.state);
        let first = state.commands.is_empty();
        state.commands.push(command);
        drop(state);
        // A non-empty mailbox was notified already and not drained since.
        if first {
          mailbox.ready.notify_one();
        }
      }
    }
  }
}

impl Shared {
  fn inbox(&self) -> MutexGuard<'_, Inbox> {
    lock(&self.inbox)
  }

  /// Appends one event without data (`a`, `b` as the kind defines them).
  fn report(&self, kind: u32, id: u32, a: u32, b: u32) {
    let mut inbox = self.inbox();
    inbox.batch.events.extend_from_slice(&[kind, id, a, b]);
    self.count_held(EVENT_BYTES);
    self.woken(inbox);
  }

  /// Adds `n` bytes to what the inbox holds (called under the inbox lock).
  fn count_held(&self, n: usize) {
    let held = self.held.fetch_add(n, Ordering::SeqCst) + n;
    self.held_peak.fetch_max(held, Ordering::Relaxed);
  }

  /// Appends the events (and data) collected locally for one read, in one lock. Returns the
  /// take those bytes wait for ([`Shared::epoch`]) and how many they count for.
  fn report_batch(&self, local: &mut Batch) -> (u64, usize) {
    if local.events.is_empty() {
      return (self.epoch.load(Ordering::SeqCst), 0);
    }
    let bytes = local.held_bytes();
    let mut inbox = self.inbox();
    let epoch = self.epoch.load(Ordering::SeqCst);
    self.count_held(bytes);
    if inbox.batch.events.is_empty() && local.data.len() >= MOVE_AT_LEAST {
      // Large reads (a big message) change hands instead of being copied.
      std::mem::swap(&mut inbox.batch, local);
      local.data.clear();
      local.events.clear();
      self.woken(inbox);
      return (epoch, bytes);
    }
    let batch = &mut inbox.batch;
    let base = batch.data.len() as u32;
    batch.data.extend_from_slice(&local.data);
    for event in local.events.chunks_exact(4) {
      let a = if carries_data(event[0]) {
        event[2] + base
      } else {
        event[2]
      };
      batch
        .events
        .extend_from_slice(&[event[0], event[1], a, event[3]]);
    }
    local.data.clear();
    local.events.clear();
    self.woken(inbox);
    (epoch, bytes)
  }

  /// Marks the inbox woken, and wakes the embedder (after unlocking) if it was not already.
  fn woken(&self, mut inbox: MutexGuard<'_, Inbox>) {
    let wake = !std::mem::replace(&mut inbox.woken, true);
    drop(inbox);
    if wake {
      (self.wake)();
    }
  }
}

/// The runtime and its connections.
pub struct Io {
  shared: Arc<Shared>,
  runtime: tokio::runtime::Handle,
  /// Connections adopted and not yet reported closed, with their mailboxes.
  open: HashMap<u32, Arc<Mailbox>>,
  next_id: u32,
  /// Keys for masked frames ([`HEAD_MASKED`]).
  masks: MaskPool,
  _thread: std::thread::JoinHandle<()>,
  _stop: tokio::sync::oneshot::Sender<()>,
}

impl Io {
  /// Starts the runtime thread. `wake` is called (from that thread) whenever events arrive
  /// in an empty inbox; the embedder then calls [`Io::take`].
  pub fn new(wake: impl Fn() + Send + Sync + 'static) -> io::Result<Io> {
    let runtime = tokio::runtime::Builder::new_current_thread()
      .enable_io()
      .build()?;
    let handle = runtime.handle().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
      .name("oxws-io".into())
      .spawn(move || {
        runtime.block_on(async {
          let _ = stopped.await;
        });
      })?;
    let shared = Arc::new(Shared {
      inbox: Mutex::new(Inbox::default()),
      held: AtomicUsize::new(0),
      held_peak: AtomicUsize::new(0),
      epoch: AtomicU64::new(0),
      taken: tokio::sync::watch::Sender::new(()),
      wake: Box::new(wake),
      outbox: Mutex::new(Vec::new()),
      outbox_ready: tokio::sync::Notify::new(),
      mailboxes: Mutex::new(HashMap::new()),
    });
    handle.spawn(route(Arc::clone(&shared)));
    Ok(Io {
      shared,
      runtime: handle,
      open: HashMap::new(),
      next_id: 1,
      masks: MaskPool::new(),
      _thread: thread,
      _stop: stop,
    })
  }

  /// Takes over a connected TCP socket: `fd` is duplicated (the caller may close its own
  /// descriptor afterwards without ending the connection). `head` holds bytes the caller had
  /// already read from it. Everything read, `head` first, is decoded by `decoder` into
  /// WebSocket events. Returns the connection's id.
  pub fn adopt(&mut self, fd: RawFd, head: Vec<u8>, decoder: Decoder) -> io::Result<u32> {
    if fd < 0 {
      return Err(io::Error::from(io::ErrorKind::InvalidInput));
    }
    // SAFETY: `fd` is an open socket descriptor owned by the caller for the duration of
    // this call (Node's handle); we only duplicate it and never close the original.
    let owned = unsafe { BorrowedFd::borrow_raw(fd) }.try_clone_to_owned()?;
    let stream = std::net::TcpStream::from(owned);
    stream.set_nonblocking(true)?;
    let stream = {
      let _guard = self.runtime.enter();
      tokio::net::TcpStream::from_std(stream)?
    };
    let id = self.next_id;
    self.next_id = self.next_id.wrapping_add(1).max(1);
    let mailbox = Arc::new(Mailbox::new(stream.as_raw_fd()));
    lock(&self.shared.mailboxes).insert(id, Arc::clone(&mailbox));
    self.open.insert(id, Arc::clone(&mailbox));
    self.runtime.spawn(conn::run(
      id,
      stream,
      head,
      decoder,
      mailbox,
      Arc::clone(&self.shared),
    ));
    Ok(id)
  }

  /// Queues a command (in order with every other) for the router.
  fn send(&mut self, id: u32, command: Command) -> bool {
    let Some(mailbox) = self.open.get(&id) else {
      return false;
    };
    lock(&mailbox.state).pending += 1;
    self.post(vec![(id, command)]);
    true
  }

  /// Hands commands to the router (one wake-up for any number of them).
  fn post(&self, commands: Vec<(u32, Command)>) {
    if commands.is_empty() {
      return;
    }
    let mut outbox = lock(&self.shared.outbox);
    let first = outbox.is_empty();
    outbox.extend(commands);
    drop(outbox);
    if first {
      self.shared.outbox_ready.notify_one();
    }
  }

  /// Hands over one write of connection `id`. When the connection's task has nothing queued
  /// and no command of ours waiting, the bytes are written right here, on the caller's
  /// thread: no cross-thread wake-up for the write, none for its `WRITTEN`, which is the
  /// returned count instead. Otherwise, and for whatever the socket does not take now, the
  /// bytes go to the task, after everything sent before them. Returns the bytes written now,
  /// `None` if the connection is unknown or gone.
  fn hand_over(
    &self,
    id: u32,
    bytes: Outgoing,
    commands: &mut Vec<(u32, Command)>,
  ) -> Option<usize> {
    let mailbox = self.open.get(&id)?;
    let mut state = lock(&mailbox.state);
    if state.pending == 0 && !state.writing && state.fd >= 0 {
      // SAFETY: `fd` is open while it is set, and it is read under the lock.
      let n = unsafe { bytes.write_now(state.fd) };
      if n == bytes.len() {
        return Some(n);
      }
      // The task writes the rest once the socket has room. Nothing of ours is waiting for
      // it (`pending` was 0), so this goes straight to its mailbox.
      state.commands.push(Command::Write(bytes.rest(n)));
      state.pending += 1;
      drop(state);
      mailbox.ready.notify_one();
      return Some(n);
    }
    state.pending += 1;
    drop(state);
    commands.push((id, Command::Write(bytes.rest(0))));
    Some(0)
  }

  /// Writes bytes (see [`Io::write_batch`] for when they are written on the caller's thread).
  /// `None` if the connection is unknown or gone, else the bytes written now.
  pub fn write(&mut self, id: u32, data: Vec<u8>) -> Option<usize> {
    self.write_outgoing(id, Outgoing::Owned(data))
  }

  fn write_outgoing(&mut self, id: u32, bytes: Outgoing) -> Option<usize> {
    let mut commands = Vec::new();
    let now = self.hand_over(id, bytes, &mut commands);
    self.post(commands);
    now
  }

  /// Writes one part: raw bytes when `head` is 0, else the payload of one frame (`head` as
  /// in [`Io::write_batch`]). `None` if the connection is unknown or gone, else the bytes
  /// written now. Unless the frame is masked, the bytes are sent from `data` itself: only what
  /// the kernel does not take at once is copied (a large message is not copied whole first).
  pub fn write_part(&mut self, id: u32, head: u32, data: &[u8]) -> Option<usize> {
    if head == 0 {
      return self.write_outgoing(id, Outgoing::Borrowed(&[data]));
    }
    if head & HEAD_MASKED != 0 {
      let mut out = Vec::new();
      append_frame(&mut out, head, data, &mut self.masks);
      return self.write(id, out);
    }
    let mut header = [0u8; MAX_HEADER_LEN];
    let n = write_header(&mut header, data.len(), &frame_options(head, None));
    self.write_outgoing(id, Outgoing::Borrowed(&[&header[..n], data]))
  }

  /// Writes bytes for several connections at once: `parts` is `[id, head, length, …]`, the
  /// lengths splitting `data` in order. `head` 0 writes the bytes as they are; otherwise the
  /// bytes are the payload of one frame whose first header byte (FIN, RSV, opcode) is
  /// `head & 0xff` (`head` = [`HEAD_FRAME`] `| byte`, plus [`HEAD_MASKED`] to mask it with a
  /// random key), and its header is written here. Consecutive parts of one connection become
  /// one write: made on the caller's thread when the connection's task has nothing queued
  /// (the bytes the kernel took are pushed to `written` as `[index of the write's first
  /// part, count]`, and no `WRITTEN` event reports them), else queued to the task, which
  /// reports `WRITTEN`. Unknown ids are skipped. Returns how many parts were taken (a part
  /// past the end of `data` stops the batch).
  pub fn write_batch(&mut self, parts: &[u32], data: &[u8], written: &mut Vec<u32>) -> usize {
    let mut at = 0usize;
    let mut queued = 0usize;
    let mut commands: Vec<(u32, Command)> = Vec::new();
    // The write being assembled: connection, index of its first part, bytes.
    let mut current: Option<(u32, u32, Vec<u8>)> = None;
    // Parts come grouped by connection: look each connection up once per group.
    let mut checked: Option<(u32, bool)> = None;
    for (index, part) in parts.chunks_exact(3).enumerate() {
      let (id, head, len) = (part[0], part[1], part[2] as usize);
      let Some(bytes) = data.get(at..at + len) else {
        break;
      };
      at += len;
      let open = match checked {
        Some((last, open)) if last == id => open,
        _ => {
          let open = self.open.contains_key(&id);
          checked = Some((id, open));
          open
        }
      };
      if !open {
        continue;
      }
      queued += 1;
      let out = match &mut current {
        Some((open_id, _, out)) if *open_id == id => out,
        _ => {
          if let Some((prev, first, out)) = current.take() {
            self.hand_over_into(prev, first, out, &mut commands, written);
          }
          &mut current.insert((id, index as u32, Vec::new())).2
        }
      };
      if head == 0 {
        out.extend_from_slice(bytes);
      } else {
        append_frame(out, head, bytes, &mut self.masks);
      }
    }
    if let Some((id, first, out)) = current {
      self.hand_over_into(id, first, out, &mut commands, written);
    }
    self.post(commands);
    queued
  }

  /// [`Io::hand_over`], recording bytes written now in `written` (see [`Io::write_batch`]).
  fn hand_over_into(
    &self,
    id: u32,
    first_part: u32,
    bytes: Vec<u8>,
    commands: &mut Vec<(u32, Command)>,
    written: &mut Vec<u32>,
  ) {
    let now = self
      .hand_over(id, Outgoing::Owned(bytes), commands)
      .unwrap_or(0);
    if now > 0 {
      written.extend_from_slice(&[first_part, u32::try_from(now).unwrap_or(u32::MAX)]);
    }
  }

  /// Shuts down the sending side once everything queued is written.
  pub fn end(&mut self, id: u32) -> bool {
    self.send(id, Command::End)
  }

  /// Stops or restarts reading.
  pub fn pause(&mut self, id: u32, paused: bool) -> bool {
    self.send(id, Command::Pause(paused))
  }

  /// Closes the connection now; queued bytes are dropped. `CLOSED` follows.
  pub fn destroy(&mut self, id: u32) -> bool {
    self.send(id, Command::Destroy)
  }

  /// Takes every event reported since the last call, and forgets closed connections.
  pub fn take(&mut self) -> Batch {
    let mut batch = Batch::default();
    self.take_into(&mut batch);
    batch
  }

  /// [`Io::take`] into `out`, which must be empty: its buffers change places with the
  /// inbox's, so the I/O thread reports the next events into memory it already has.
  pub fn take_into(&mut self, out: &mut Batch) {
    debug_assert!(out.events.is_empty() && out.data.is_empty());
    {
      let mut inbox = self.shared.inbox();
      inbox.woken = false;
      std::mem::swap(&mut inbox.batch, out);
      self.shared.held.store(0, Ordering::SeqCst);
      self.shared.epoch.fetch_add(1, Ordering::SeqCst);
    }
    // Connections stopped at an inbox bound read again.
    self.shared.taken.send_replace(());
    for event in out.events.chunks_exact(4) {
      if event[0] == kind::CLOSED {
        self.open.remove(&event[1]);
        lock(&self.shared.mailboxes).remove(&event[1]);
      }
    }
  }

  /// The most bytes the inbox held (see [`INBOX_MAX`]) since the last call; starts again
  /// from what it holds now.
  pub fn take_held_peak(&self) -> usize {
    let now = self.shared.held.load(Ordering::SeqCst);
    self.shared.held_peak.swap(now, Ordering::Relaxed).max(now)
  }

  /// Connections not yet reported closed.
  pub fn len(&self) -> usize {
    self.open.len()
  }

  /// Whether no connection is open.
  pub fn is_empty(&self) -> bool {
    self.open.is_empty()
  }
}

#[cfg(test)]
mod tests;
