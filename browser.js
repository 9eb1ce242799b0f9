'use strict';

/** oxws is Node-only (like ws): in a browser, use the global WebSocket. */
module.exports = function () {
  throw new Error(
    'oxws does not work in the browser. Browser clients must use the native WebSocket object'
  );
};
