'use strict';
// Loaded by recorder.cjs inside the sandbox: the capture directory's files, one set per target id (`.calls`
// framed v8 records, `.skipped` reasons a call was not recorded, `.classes` class names the replay must find).
// Core modules by their bare names: jest before 27 cannot resolve `node:` specifiers (immer's suites).
const fs = require('fs');
const path = require('path');
const v8 = require('v8');
// Taken from the module, not the global: some test suites delete `globalThis.Buffer` (qs tests without it).
const { Buffer } = require('buffer');
const { Unrecordable, maxCallBytes } = require('./recorder-values.cjs');

const captureDir = process.env.AFTERBURNER_CAPTURE_DIR;

/**
 * Appends without an options object: fs copies options with a for…in loop, which throws when the tests made an
 * inherited property read-only (qs's prototype-pollution tests do).
 */
function appendTo(file, data) {
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
  } finally {
    fs.closeSync(fd);
  }
}

function fileFor(id, suffix) {
  return path.join(captureDir, `${id.replace(/[^\w.-]+/g, '_')}.${suffix}`);
}

function skip(id, why) {
  appendTo(fileFor(id, 'skipped'), `${String(why).replace(/\n/g, ' ')}\n`);
}

function append(id, record) {
  const payload = v8.serialize(record);
  if (payload.length > maxCallBytes) throw new Unrecordable('arguments over the size limit');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(payload.length);
  appendTo(fileFor(id, 'calls'), Buffer.concat([header, payload]));
}

module.exports = { captureDir, appendTo, fileFor, skip, append };
