import { normalizePython } from '../../optimize/dependencies.js';
import type { LanguagePlugin } from '../types.js';
import { pythonCapabilities } from './capabilities/capabilities-python.js';
import { type PyBinding, pythonBindings } from './capabilities/capabilities-python-bindings.js';
import { PythonHarness } from './harness/python-harness.js';
import { pythonRules } from './rules/index.js';
import { pythonStdlibModules } from './stdlib.js';

// The names that reach files, code loading or the interpreter's internals; a generator may import a few pure
// computing modules.
const reachingNames =
  /\b(open|exec|eval|compile|__import__|globals|locals|vars|getattr|setattr|delattr|__builtins__|__subclasses__|__globals__|breakpoint|input)\b/g;
const importLines = /^\s*(?:from\s+([\w.]+)\s+import\b|import\s+([\w.,\s]+))/gm;
const pureModules = new Set([
  'random',
  'math',
  'string',
  'itertools',
  'collections',
  'functools',
  'operator',
]);

function generatorReach(code: string): string[] {
  const used = [...code.matchAll(reachingNames)].map(([name]) => name);
  for (const match of code.matchAll(importLines)) {
    const modules = (match[1] ?? match[2] ?? '').split(',').map((m) => m.trim().split(/\s+/)[0] ?? '');
    for (const module of modules)
      if (!pureModules.has(module.split('.')[0] ?? '')) used.push(`import ${module}`);
  }
  return used;
}

/** Python: CPython, the Python rules, the Python image. */
export const pythonPlugin: LanguagePlugin = {
  family: 'python',
  languages: ['python'],
  info: {
    python: {
      label: 'Python',
      fenceTag: 'python',
      fenceTags: new Set(['', 'python', 'py', 'python3']),
      grammar: 'python',
      standardLibrary: 'the Python standard library',
    },
  },
  rules: pythonRules,
  async createHarness(options, { testCommand }) {
    return new PythonHarness({ ...options, testCommand });
  },
  image: {
    use: 'Python targets',
    cliSetting: '--python-image or $AFTERBURNER_PYTHON_IMAGE',
    actionSetting: "input 'python-image' (or 'images': python=IMAGE)",
    setting: 'pythonImage',
  },
  dependencyKey: 'python',
  imports: {
    modules(statement) {
      const from = /^\s*from\s+(\S+)\s+import\b/.exec(statement);
      if (from?.[1]) return [from[1]];
      const plain = /^\s*import\s+([\s\S]+)$/.exec(statement);
      if (!plain?.[1]) return [];
      return plain[1]
        .split(',')
        .map((part) => part.trim().split(/\s+/)[0] ?? '')
        .filter(Boolean);
    },
    newDependency(specifier, dependencies) {
      if (specifier.startsWith('.')) return undefined;
      const top = specifier.split('.')[0] ?? specifier;
      if (pythonStdlibModules.has(top) || dependencies.python.includes(normalizePython(top)))
        return undefined;
      return top;
    },
    importsToo: () => false,
  },
  usesInstalledPackages: false,
  memberHolders: [],
  // An indented method or nested function only parses inside a block.
  wrapForParsing: (source) =>
    /^[ \t]/.test(source) ? { text: `class W:\n${source}`, lineOffset: 1 } : { text: source, lineOffset: 0 },
  bindings: pythonBindings,
  capabilities: (root, bindings) => pythonCapabilities(root, bindings as Map<string, PyBinding>),
  generator: {
    language: 'python',
    label: 'Python',
    signature: 'def afterburner_inputs(n)',
    returns: 'a list of argument tuples, one tuple per call',
    plain: 'numbers, strings, bytes, booleans, None, and lists, tuples, dicts and sets of them',
    reach: generatorReach,
  },
};
