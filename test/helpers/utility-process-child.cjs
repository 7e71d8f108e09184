// The child side of the utilityProcess stand-in (electron-utility-process.ts): gives the script what an
// Electron utility process has, process.parentPort, and takes away what it has not, process.send. Messages
// reach 'message' listeners as { data, ports } and are queued until the first listener is registered.
'use strict';
const { EventEmitter } = require('node:events');

const send = process.send.bind(process);
delete process.send;
const parentPort = new EventEmitter();
const queued = [];
let listening = false;
parentPort.postMessage = (message) => { send(message); };
parentPort.on('newListener', (event) => {
  if (event !== 'message' || listening) return;
  listening = true;
  setImmediate(() => { for (const data of queued.splice(0)) parentPort.emit('message', { data, ports: [] }); });
});
process.on('message', (data) => {
  if (listening && queued.length === 0) parentPort.emit('message', { data, ports: [] });
  else queued.push(data);
});
process.parentPort = parentPort;

const [modulePath, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], modulePath, ...args];
require(modulePath);
