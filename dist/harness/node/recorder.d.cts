// Types for recorder.cjs. A TypeScript file under test imports the recorder while its calls are recorded; a runner
// that type-checks (ts-jest) would otherwise see `wrap(...)` as `any`, and a test passing an untyped callback to
// the wrapped function (radash's `_.counting(people, p => p.group)`) would fail with "implicitly has an 'any' type".
export declare function wrap<F>(id: string, fn: F): F;
export declare function wrapMethod(
  id: string,
  owner: unknown,
  key: string,
  own: boolean,
  accessor: 'get' | 'set' | null,
): void;
export declare function register(id: string, role: 'original' | 'candidate', fn: unknown): void;
export declare function registerMethod(
  id: string,
  role: 'original' | 'candidate',
  owner: unknown,
  key: string,
  own: boolean,
  accessor: 'get' | 'set' | null,
): void;
export declare function registerScope(role: 'original' | 'candidate', scope: Record<string, unknown>): void;
export declare function replayable(value: unknown): boolean;
export declare const callbackKey: string;
