// Runs inside the sandbox. Fresh copies of recorded arguments for the timed batches. Every call of every repeat
// needs its own copy (one shared between repeats would let a candidate answer from a cache keyed by identity),
// and v8.deserialize costs about ten times a plain recursive copy: on small calls, unpacking arguments took most of
// a verify run. Only data that a plain copy reproduces exactly takes this path; anything else is deserialized.

/**
 * A function returning a fresh copy of `value`, or undefined when `value` holds anything but plain data: arrays
 * without holes or extra properties, extensible objects of Object.prototype whose own properties are
 * ordinary data properties, primitives; no object reached twice (a copy would split what the recording shared),
 * and no key in `reservedKeys` (the recorder's markers, which need reviving).
 */
export function plainCopier(value, reservedKeys) {
  return isPlainTree(value, new Set(), reservedKeys) ? () => copyPlain(value) : undefined;
}

function isPlainTree(value, seen, reservedKeys) {
  if (value === null || typeof value !== 'object') return typeof value !== 'function';
  if (seen.has(value)) return false;
  seen.add(value);
  if (!Object.isExtensible(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (prototype !== Array.prototype || Reflect.ownKeys(value).length !== value.length + 1) return false;
    for (let i = 0; i < value.length; i++) {
      if (!Object.hasOwn(value, i) || !isPlainTree(value[i], seen, reservedKeys)) return false;
    }
    return true;
  }
  if (prototype !== Object.prototype) return false;
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== 'string' || key === '__proto__' || reservedKeys.includes(key)) return false;
    const property = Object.getOwnPropertyDescriptor(value, key);
    if (!('value' in property) || !property.writable || !property.enumerable || !property.configurable)
      return false;
    if (!isPlainTree(property.value, seen, reservedKeys)) return false;
  }
  return true;
}

function copyPlain(value) {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    // push, like most code that builds arrays, so the copy has the packed elements kind real callers pass.
    const out = [];
    for (let i = 0; i < value.length; i++) out.push(copyPlain(value[i]));
    return out;
  }
  const out = {};
  for (const key of Object.keys(value)) out[key] = copyPlain(value[key]);
  return out;
}
