'use strict';

// Every documented name of the oxws package, required from an app that installed it.
const names = [
  'oxws',
  'oxws/ws',
  'oxws/driver',
  'oxws/websocket-driver',
  'oxws/permessage-deflate',
  'oxws/faye',
  'oxws/faye-websocket',
  'oxws/eventsource',
  'oxws/bufferutil',
  'oxws/utf-8-validate',
  'oxws/lib/websocket/driver/headers',
  'oxws/package.json'
];
const out = {};
for (const name of names) out[name] = typeof require(name);
out.sameDriver = require('oxws/driver') === require('oxws/websocket-driver');
out.sameFaye = require('oxws/faye') === require('oxws/faye-websocket');
out.deflateName = require('oxws/permessage-deflate').name;
out.mask = typeof require('oxws/bufferutil').mask;
console.log(JSON.stringify(out));
