'use strict';

/**
 * The message pipeline of websocket-extensions: every message passes through each active
 * session in turn (outgoing in negotiation order, incoming in reverse). Sessions may call
 * back out of order (e.g. zlib work finishing early); each stage delivers its results in
 * the order the messages entered it, so messages always come out in arrival order. After a
 * session reports an error that direction stops. `close()` waits for the messages in
 * flight, then closes the sessions.
 */

/** A one-shot latch with callbacks. */
class Pledge {
  constructor() {
    this._complete = false;
    this._callbacks = [];
  }

  /**
   * @param {Pledge[]} list Pledges
   * @return {Pledge} Done when all of them are
   */
  static all(list) {
    const pledge = new Pledge();
    let pending = list.length;
    if (pending === 0) pledge.done();
    for (const p of list) {
      p.then(() => {
        pending -= 1;
        if (pending === 0) pledge.done();
      });
    }
    return pledge;
  }

  /** @param {Function} callback Called once done (now, if it already is) */
  then(callback) {
    if (this._complete) callback();
    else this._callbacks.push(callback);
  }

  done() {
    this._complete = true;
    const callbacks = this._callbacks;
    this._callbacks = [];
    for (const callback of callbacks) callback();
  }
}

/** One direction of one session, delivering results in call order. */
class Functor {
  /**
   * @param {Object} session The extension session
   * @param {String} method `processIncomingMessage` or `processOutgoingMessage`
   */
  constructor(session, method) {
    this._session = session;
    this._method = method;
    this._queue = [];
    this._stopped = false;
    this.pending = 0;
  }

  /**
   * Runs the session on `message` (or passes `error` through) and calls `callback` in order.
   *
   * @param {?Error} error An error from an earlier stage
   * @param {Object} message The message
   * @param {Function} callback `(error, message)`
   * @param {Object} context `this` for the callback
   */
  call(error, message, callback, context) {
    if (this._stopped) return;

    const record = { error, message, callback, context, done: false };
    this._queue.push(record);

    if (record.error) {
      record.done = true;
      this._stop();
      this._flushQueue();
      return;
    }

    let called = false;
    const handler = (err, msg) => {
      if (called) return;
      called = true;

      if (err) {
        this._stop();
        record.error = err;
        record.message = null;
      } else {
        record.message = msg;
      }

      record.done = true;
      this._flushQueue();
    };

    try {
      this._session[this._method](message, handler);
    } catch (err) {
      handler(err);
    }
  }

  _stop() {
    this.pending = this._queue.length;
    this._stopped = true;
  }

  _flushQueue() {
    const queue = this._queue;

    while (queue.length > 0 && queue[0].done) {
      const record = queue.shift();
      if (record.error) {
        this.pending = 0;
        queue.length = 0;
      } else {
        this.pending -= 1;
      }
      record.callback.call(record.context, record.error, record.message);
    }
  }
}

/** One session in the pipeline, with a functor per direction. */
class Cell {
  /** @param {Array} record `[extension, session]` */
  constructor(record) {
    this._ext = record[0];
    this._session = record[1];
    this._closed = null;
    this._functors = {
      incoming: new Functor(this._session, 'processIncomingMessage'),
      outgoing: new Functor(this._session, 'processOutgoingMessage')
    };
  }

  /** @param {String} direction A message is about to enter this direction */
  pending(direction) {
    const functor = this._functors[direction];
    if (!functor._stopped) functor.pending += 1;
  }

  /**
   * @param {String} direction `incoming` or `outgoing`
   * @param {?Error} error An error from an earlier stage
   * @param {Object} message The message
   * @param {Function} callback `(error, message)`
   */
  exec(direction, error, message, callback) {
    this._functors[direction].call(error, message, (err, msg) => {
      if (err) err.message = this._ext.name + ': ' + err.message;
      callback(err, msg);
      this._doClose();
    });
  }

  /** @return {Pledge} Done once the messages in flight are through and the session closed */
  close() {
    this._closed = this._closed || new Pledge();
    this._doClose();
    return this._closed;
  }

  _doClose() {
    const fin = this._functors.incoming;
    const fout = this._functors.outgoing;

    if (!this._closed || fin.pending + fout.pending !== 0) return;
    if (this._session) this._session.close();
    this._session = null;
    this._closed.done();
  }
}

class Pipeline {
  /** @param {Array[]} sessions `[extension, session]` records in negotiation order */
  constructor(sessions) {
    this._cells = sessions.map((record) => new Cell(record));
    this._stopped = { incoming: false, outgoing: false };
  }

  /**
   * @param {Object} message `{rsv1, rsv2, rsv3, opcode, data}`
   * @param {Function} callback `(error, message)`
   * @param {Object} [context] Its `this`
   */
  processIncomingMessage(message, callback, context) {
    if (this._stopped.incoming) return;
    this._loop('incoming', this._cells.length - 1, -1, -1, message, callback, context);
  }

  /**
   * @param {Object} message `{rsv1, rsv2, rsv3, opcode, data}`
   * @param {Function} callback `(error, message)`
   * @param {Object} [context] Its `this`
   */
  processOutgoingMessage(message, callback, context) {
    if (this._stopped.outgoing) return;
    this._loop('outgoing', 0, this._cells.length, 1, message, callback, context);
  }

  /**
   * Stops both directions; `callback` runs once every session has closed.
   *
   * @param {Function} [callback] The callback
   * @param {Object} [context] Its `this`
   */
  close(callback, context) {
    this._stopped = { incoming: true, outgoing: true };

    const closed = this._cells.map((cell) => cell.close());
    if (callback) Pledge.all(closed).then(() => callback.call(context));
  }

  _loop(direction, start, end, step, message, callback, context) {
    const cells = this._cells;
    for (const cell of cells) cell.pending(direction);

    const pipe = (index, error, msg) => {
      if (index === end) return callback.call(context, error, msg);

      cells[index].exec(direction, error, msg, (err, m) => {
        if (err) this._stopped[direction] = true;
        pipe(index + step, err, m);
      });
    };
    pipe(start, null, message);
  }
}

module.exports = Pipeline;
