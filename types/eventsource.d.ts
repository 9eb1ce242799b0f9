// Types for `oxws/eventsource`: faye-websocket's server-side EventSource.
import Faye = require('./faye');

declare const EventSource: Faye.EventSourceConstructor;

export = EventSource;
