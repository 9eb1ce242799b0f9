'use strict';

/**
 * faye-websocket's EventTarget mixin (`api/event_target.js`): plain `on*` properties,
 * `addEventListener` = `on`, `removeEventListener`, and `dispatchEvent` (the `on*` handler,
 * then the listeners).
 */

const Event = require('./event');

const EventTarget = {
  onopen: null,
  onmessage: null,
  onerror: null,
  onclose: null,

  addEventListener(eventType, listener) {
    this.on(eventType, listener);
  },

  removeEventListener(eventType, listener) {
    this.removeListener(eventType, listener);
  },

  dispatchEvent(event) {
    event.target = event.currentTarget = this;
    event.eventPhase = Event.AT_TARGET;

    const handler = this['on' + event.type];
    if (handler) handler.call(this, event);

    this.emit(event.type, event);
  }
};

module.exports = EventTarget;
