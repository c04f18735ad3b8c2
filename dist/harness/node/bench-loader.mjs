// Module hooks registered by bench-hooks.cjs: an ES module import of tinybench or mitata from the repository's
// benchmark gets a thin module that re-exports the real one after handing it to bench-hooks.cjs (tinybench's
// Bench is patched in place; mitata's run is replaced, as an ES module's exports cannot be).
const scheme = 'afterburner-bench:';
const wrapped = new Set(['tinybench', 'mitata']);

export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL?.startsWith(scheme) && specifier.startsWith('file:')) {
    return { url: specifier, shortCircuit: true };
  }
  const resolved = await nextResolve(specifier, context);
  if (!wrapped.has(specifier)) return resolved;
  return { url: `${scheme}${specifier}?${encodeURIComponent(resolved.url)}`, shortCircuit: true };
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith(scheme)) return nextLoad(url, context);
  const [name, encoded] = url.slice(scheme.length).split('?');
  const real = JSON.stringify(decodeURIComponent(encoded));
  const hooks = "globalThis[Symbol.for('afterburner.bench-hooks')]";
  const lines = [`import * as real from ${real};`, `export * from ${real};`, 'export default real.default;'];
  if (name === 'mitata') lines.push(`export const run = ${hooks}.wrapMitataRun(real.run);`);
  else lines.push(`${hooks}.patchTinybench(real);`);
  return { format: 'module', source: lines.join('\n'), shortCircuit: true };
}
