// Structural equality for the differential check: Map/Set/typed arrays/Date/RegExp/NaN/−0, class instances by
// constructor name and own state (the original and the candidate are loaded from two module copies, so classes
// they define are distinct objects with the same shape).
const typedArray = Object.getPrototypeOf(Int8Array);

export function structurallyEqual(a, b, seen = new Map()) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // Functions are compared by behaviour (the verify runner replays the calls the tests made to a returned
    // function), never by name or identity; only their arity is compared here.
    return typeof a === 'function' && typeof b === 'function' ? a.length === b.length : false;
  }
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a.constructor?.name !== b.constructor?.name) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Date) return Object.is(a.getTime(), b.getTime());
  if (a instanceof RegExp) return String(a) === String(b) && a.lastIndex === b.lastIndex;
  if (a instanceof Error && (a.name !== b.name || a.message !== b.message)) return false;
  if (a instanceof typedArray || a instanceof DataView || a instanceof ArrayBuffer) {
    const x = new Uint8Array(a.buffer ?? a, a.byteOffset ?? 0, a.byteLength);
    const y = new Uint8Array(b.buffer ?? b, b.byteOffset ?? 0, b.byteLength);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (a instanceof Map) {
    if (a.size !== b.size) return false;
    const left = [...a];
    const right = [...b];
    return left.every(
      ([k, v], i) => structurallyEqual(k, right[i][0], seen) && structurallyEqual(v, right[i][1], seen),
    );
  }
  if (a instanceof Set) {
    if (a.size !== b.size) return false;
    const right = [...b];
    return [...a].every((v, i) => structurallyEqual(v, right[i], seen));
  }
  const keysA = Reflect.ownKeys(a).filter((k) => Object.prototype.propertyIsEnumerable.call(a, k));
  const keysB = Reflect.ownKeys(b).filter((k) => Object.prototype.propertyIsEnumerable.call(b, k));
  if (keysA.length !== keysB.length) return false;
  // Arrays: same holes; objects: same keys in the same order (order is observable through iteration).
  return keysA.every((k, i) => k === keysB[i] && structurallyEqual(a[k], b[k], seen));
}
