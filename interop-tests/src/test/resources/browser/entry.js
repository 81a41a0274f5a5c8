// The browser page's ZeroMQ: jszmq (ZWS 2.0 over the browser's WebSocket), bundled by esbuild.
// Its node polyfills (util, assert) look at process, which a browser has not got.
globalThis.process = globalThis.process || { env: {}, browser: true, nextTick: (f, ...args) => setTimeout(() => f(...args), 0) };
window.zmq = require('jszmq');
