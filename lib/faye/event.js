'use strict';

/**
 * faye-websocket's event object (`api/event.js`): a plain object with `type` and the given
 * fields, `initEvent()`, and no-op `stopPropagation()` / `preventDefault()`.
 */
class Event {
  /**
   * @param {String} eventType The type
   * @param {Object} [options] Fields copied onto the event (`data`, `code`, `reason`, …)
   */
  constructor(eventType, options) {
    this.type = eventType;
    for (const key in options) this[key] = options[key];
  }

  initEvent(eventType, canBubble, cancelable) {
    this.type = eventType;
    this.bubbles = canBubble;
    this.cancelable = cancelable;
  }

  stopPropagation() {}

  preventDefault() {}
}

Event.CAPTURING_PHASE = 1;
Event.AT_TARGET = 2;
Event.BUBBLING_PHASE = 3;

/**
 * Creates and initialises an event (what faye does before each dispatch).
 *
 * @param {String} type The type
 * @param {Object} [fields] Extra fields
 * @return {Event} The event
 */
Event.create = function (type, fields) {
  const event = new Event(type, fields);
  event.initEvent(type, false, false);
  return event;
};

module.exports = Event;
