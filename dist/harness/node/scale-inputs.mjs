// Runs inside the sandbox. Grows the arguments of a recorded call (as deserialized, before the replay revives
// class instances and callbacks) ×factor: arrays, strings, Maps and Sets, at the top level and one level into
// plain-object arguments. Two ways: "fresh" adds distinct elements of the same shape (numbers shifted past the
// collection's range, strings suffixed), which is what uniqueness-sensitive code (dedupes, lookups) needs to show
// its real cost; "repeat" repeats the elements, the fallback when fresh ones break the function's assumptions.

const markers = ['__afterburnerCallback', '__afterburnerRef', '__afterburnerBuffer'];
const instanceKey = '__afterburnerInstance';
const maxDepth = 6;

function isPlainObject(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isMarker(value) {
  return isPlainObject(value) && markers.some((key) => key in value);
}

function collectionSize(value) {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value instanceof Map || value instanceof Set) return value.size;
  return 0;
}

/** The size a call is measured by: its largest array, string, Map or Set argument (or one in a plain object). */
export function inputSize(args) {
  let size = 0;
  for (const arg of args) {
    size = Math.max(size, collectionSize(arg));
    if (isPlainObject(arg) && !isMarker(arg) && !(instanceKey in arg)) {
      for (const value of Object.values(arg)) size = Math.max(size, collectionSize(value));
    }
  }
  return size;
}

/** The span of the numbers in a value: shifting copy c by c × stride keeps every copy's numbers distinct. */
function strideOf(value) {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const visit = (v, depth) => {
    if (typeof v === 'number' && Number.isFinite(v)) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    } else if (v !== null && typeof v === 'object' && depth < maxDepth) {
      const items = v instanceof Map ? [...v].flat() : v instanceof Set ? [...v] : Object.values(v);
      for (const item of items) visit(item, depth + 1);
    }
  };
  visit(value, 0);
  return min === Number.POSITIVE_INFINITY ? 1 : Math.ceil(max - min) + 1;
}

/** Copy number `copy` of an element, made distinct from the others but of the same shape. */
function freshen(value, copy, stride, depth = 0) {
  if (typeof value === 'number') return Number.isFinite(value) ? value + copy * stride : value;
  if (typeof value === 'bigint') return value + BigInt(copy * stride);
  if (typeof value === 'string') return `${value}~${copy}`;
  if (value === null || typeof value !== 'object' || depth >= maxDepth || isMarker(value)) return value;
  const next = (v) => freshen(v, copy, stride, depth + 1);
  if (Array.isArray(value)) return value.map(next);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [next(k), next(v)]));
  if (value instanceof Set) return new Set([...value].map(next));
  if (instanceKey in value && isPlainObject(value.state)) {
    return { ...value, state: Object.fromEntries(Object.entries(value.state).map(([k, v]) => [k, next(v)])) };
  }
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, next(v)]));
  return value;
}

function growCollection(value, factor, mode) {
  if (typeof value === 'string') return value.length > 0 ? value.repeat(factor) : value;
  const size = collectionSize(value);
  if (size === 0 || (!Array.isArray(value) && !(value instanceof Map) && !(value instanceof Set)))
    return value;
  const stride = strideOf(value);
  const item = (base, copy) => (copy === 0 ? base : mode === 'fresh' ? freshen(base, copy, stride) : base);
  if (Array.isArray(value)) {
    return Array.from({ length: size * factor }, (_, k) => item(value[k % size], Math.floor(k / size)));
  }
  // A Map or Set keeps one entry per key, so its copies always need fresh keys; "repeat" keeps the values.
  const entries = value instanceof Map ? [...value] : [...value].map((v) => [v, v]);
  const grown = [];
  for (let copy = 0; copy < factor; copy++) {
    for (const [k, v] of entries) {
      const key = copy === 0 ? k : freshen(k, copy, stride);
      grown.push([key, value instanceof Map ? item(v, copy) : key]);
    }
  }
  return value instanceof Map ? new Map(grown) : new Set(grown.map(([k]) => k));
}

/** The arguments grown ×factor ("fresh" or "repeat"); undefined when nothing in them can grow. */
export function growArgs(args, factor, mode) {
  if (inputSize(args) === 0) return undefined;
  return args.map((arg) => {
    if (collectionSize(arg) > 0) return growCollection(arg, factor, mode);
    if (isPlainObject(arg) && !isMarker(arg) && !(instanceKey in arg)) {
      return Object.fromEntries(
        Object.entries(arg).map(([k, v]) => [k, collectionSize(v) > 0 ? growCollection(v, factor, mode) : v]),
      );
    }
    return arg;
  });
}
