// Runs inside the sandbox: the file format of recorded and generated calls, v8-serialized values each preceded by
// its length (4 bytes, little-endian).
import { readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

/** The values in `file`, in order; none when it does not exist. */
export function readFrames(file) {
  let buffer;
  try {
    buffer = readFileSync(file);
  } catch {
    return [];
  }
  const values = [];
  for (let at = 0; at + 4 <= buffer.length; ) {
    const size = buffer.readUInt32LE(at);
    values.push(deserialize(buffer.subarray(at + 4, at + 4 + size)));
    at += 4 + size;
  }
  return values;
}

/** The values framed for a file that readFrames reads back. */
export function encodeFrames(values) {
  const parts = [];
  for (const value of values) {
    const frame = serialize(value);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(frame.length);
    parts.push(length, frame);
  }
  return Buffer.concat(parts);
}
