'use strict';

/**
 * The WHATWG-style surface of ws 8.23: `Event`, `CloseEvent`, `ErrorEvent`, `MessageEvent`,
 * `addEventListener` / `removeEventListener` (only 'open', 'error', 'close' and 'message';
 * no `dispatchEvent`, as in ws), and the `onopen` / `onerror` / `onclose` / `onmessage`
 * attributes.
 */

const kForOnEventAttribute = Symbol('kIsForOnEventAttribute');
const kListener = Symbol('kListener');
const kCode = Symbol('kCode');
const kData = Symbol('kData');
const kError = Symbol('kError');
const kMessage = Symbol('kMessage');
const kReason = Symbol('kReason');
const kTarget = Symbol('kTarget');
const kType = Symbol('kType');
const kWasClean = Symbol('kWasClean');

/**
 * Makes the named getters of a prototype enumerable (as ws does).
 *
 * @private
 */
function enumerable(prototype, names) {
  for (const name of names) Object.defineProperty(prototype, name, { enumerable: true });
}

class Event {
  /**
   * @param {String} type The event type
   */
  constructor(type) {
    this[kTarget] = null;
    this[kType] = type;
  }

  /** @type {*} */
  get target() {
    return this[kTarget];
  }

  /** @type {String} */
  get type() {
    return this[kType];
  }
}

enumerable(Event.prototype, ['target', 'type']);

class CloseEvent extends Event {
  /**
   * @param {String} type The event type
   * @param {Object} [options] `code` (0), `reason` (''), `wasClean` (false)
   */
  constructor(type, options = {}) {
    super(type);
    this[kCode] = options.code === undefined ? 0 : options.code;
    this[kReason] = options.reason === undefined ? '' : options.reason;
    this[kWasClean] = options.wasClean === undefined ? false : options.wasClean;
  }

  /** @type {Number} */
  get code() {
    return this[kCode];
  }

  /** @type {String} */
  get reason() {
    return this[kReason];
  }

  /** @type {Boolean} */
  get wasClean() {
    return this[kWasClean];
  }
}

enumerable(CloseEvent.prototype, ['code', 'reason', 'wasClean']);

class ErrorEvent extends Event {
  /**
   * @param {String} type The event type
   * @param {Object} [options] `error` (null), `message` ('')
   */
  constructor(type, options = {}) {
    super(type);
    this[kError] = options.error === undefined ? null : options.error;
    this[kMessage] = options.message === undefined ? '' : options.message;
  }

  /** @type {*} */
  get error() {
    return this[kError];
  }

  /** @type {String} */
  get message() {
    return this[kMessage];
  }
}

enumerable(ErrorEvent.prototype, ['error', 'message']);

class MessageEvent extends Event {
  /**
   * @param {String} type The event type
   * @param {Object} [options] `data` (null)
   */
  constructor(type, options = {}) {
    super(type);
    this[kData] = options.data === undefined ? null : options.data;
  }

  /** @type {*} */
  get data() {
    return this[kData];
  }
}

enumerable(MessageEvent.prototype, ['data']);

/**
 * Calls a listener: a function with `this` = the socket, or an object's `handleEvent`.
 *
 * @private
 */
function callListener(listener, thisArg, event) {
  if (typeof listener === 'object' && listener.handleEvent) {
    listener.handleEvent.call(listener, event);
  } else {
    listener.call(thisArg, event);
  }
}

/**
 * Builds the EventEmitter listener that turns ws's event arguments into an Event.
 *
 * @param {String} type 'open', 'error', 'close' or 'message'
 * @param {(Function|Object)} handler The user's listener
 * @return {(Function|undefined)} The wrapper, or undefined for other types
 * @private
 */
function wrap(type, handler) {
  switch (type) {
    case 'message':
      return function onMessage(data, isBinary) {
        const event = new MessageEvent('message', { data: isBinary ? data : data.toString() });
        event[kTarget] = this;
        callListener(handler, this, event);
      };
    case 'close':
      return function onClose(code, message) {
        const event = new CloseEvent('close', {
          code,
          reason: message.toString(),
          wasClean: this._closeFrameReceived && this._closeFrameSent
        });
        event[kTarget] = this;
        callListener(handler, this, event);
      };
    case 'error':
      return function onError(error) {
        const event = new ErrorEvent('error', { error, message: error.message });
        event[kTarget] = this;
        callListener(handler, this, event);
      };
    case 'open':
      return function onOpen() {
        const event = new Event('open');
        event[kTarget] = this;
        callListener(handler, this, event);
      };
    default:
      return undefined;
  }
}

const EventTarget = {
  /**
   * Registers a listener ('open', 'error', 'close' or 'message'; others are ignored).
   * Adding the same listener twice does nothing.
   *
   * @param {String} type The event type
   * @param {(Function|Object)} handler A function or an object with `handleEvent`
   * @param {Object} [options] `once`: remove after the first call
   * @public
   */
  addEventListener(type, handler, options = {}) {
    for (const listener of this.listeners(type)) {
      if (
        !options[kForOnEventAttribute] &&
        listener[kListener] === handler &&
        !listener[kForOnEventAttribute]
      ) {
        return;
      }
    }

    const wrapper = wrap(type, handler);
    if (wrapper === undefined) return;

    wrapper[kForOnEventAttribute] = !!options[kForOnEventAttribute];
    wrapper[kListener] = handler;

    if (options.once) this.once(type, wrapper);
    else this.on(type, wrapper);
  },

  /**
   * Removes a listener added with `addEventListener`.
   *
   * @param {String} type The event type
   * @param {(Function|Object)} handler The listener
   * @public
   */
  removeEventListener(type, handler) {
    for (const listener of this.listeners(type)) {
      if (listener[kListener] === handler && !listener[kForOnEventAttribute]) {
        this.removeListener(type, listener);
        break;
      }
    }
  }
};

/**
 * Defines the `onopen`, `onerror`, `onclose` and `onmessage` attributes on a prototype.
 *
 * @param {Object} prototype The WebSocket prototype
 * @public
 */
function defineEventHandlerProperties(prototype) {
  for (const method of ['open', 'error', 'close', 'message']) {
    Object.defineProperty(prototype, `on${method}`, {
      enumerable: true,
      configurable: true,
      get() {
        for (const listener of this.listeners(method)) {
          if (listener[kForOnEventAttribute]) return listener[kListener];
        }
        return null;
      },
      set(handler) {
        for (const listener of this.listeners(method)) {
          if (listener[kForOnEventAttribute]) {
            this.removeListener(method, listener);
            break;
          }
        }

        if (typeof handler !== 'function') return;

        this.addEventListener(method, handler, { [kForOnEventAttribute]: true });
      }
    });
  }
}

module.exports = {
  CloseEvent,
  ErrorEvent,
  Event,
  EventTarget,
  MessageEvent,
  defineEventHandlerProperties,
  kForOnEventAttribute,
  kListener
};
