import { builtinModules } from 'node:module';
import type { LanguagePlugin } from '../types.js';
import { jsCapabilities } from './capabilities/capabilities-js.js';
import { type JsBinding, jsBindings } from './capabilities/capabilities-js-bindings.js';
import { NodeHarness } from './harness/node-harness.js';
import { resolveTestCommand } from './harness/test-command.js';
import { javascriptRules } from './rules/index.js';

const nodeBuiltins = 'Node.js built-in modules (`node:…`)';
// The names that reach modules, the process, the global object or code loading.
const reachingNames = /\b(require|import|process|globalThis|global|eval|Function|module|exports|Deno|Bun)\b/g;

/** JavaScript, TypeScript and TSX: Node, the JavaScript rules, the Node image. */
export const javascriptPlugin: LanguagePlugin = {
  family: 'javascript',
  languages: ['javascript', 'typescript', 'tsx'],
  info: {
    javascript: {
      label: 'JavaScript',
      fenceTag: 'javascript',
      fenceTags: new Set(['', 'js', 'javascript', 'jsx', 'mjs', 'cjs', 'node']),
      grammar: 'javascript',
      standardLibrary: nodeBuiltins,
    },
    typescript: {
      label: 'TypeScript',
      fenceTag: 'typescript',
      fenceTags: new Set(['', 'ts', 'typescript', 'mts', 'cts']),
      grammar: 'typescript',
      standardLibrary: nodeBuiltins,
    },
    tsx: {
      label: 'TSX',
      fenceTag: 'tsx',
      fenceTags: new Set(['', 'tsx', 'ts', 'typescript', 'jsx']),
      grammar: 'tsx',
      standardLibrary: nodeBuiltins,
    },
  },
  rules: javascriptRules,
  async createHarness(options, { headDir, testCommand }) {
    return new NodeHarness({
      ...options,
      testCommand: await resolveTestCommand(headDir, testCommand, options.target.path),
    });
  },
  image: {
    use: 'JavaScript/TypeScript targets',
    cliSetting: '--image or $AFTERBURNER_IMAGE',
    actionSetting: "input 'image' (or 'images': javascript=IMAGE)",
    setting: 'image',
  },
  dependencyKey: 'node',
  imports: {
    modules: (statement) =>
      [...statement.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)(['"])([^'"]+)\1/g)].map(
        (m) => m[2] as string,
      ),
    newDependency(specifier, dependencies) {
      if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:'))
        return undefined;
      const parts = specifier.split('/');
      const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
      return builtinModules.includes(name) || dependencies.node.includes(name) ? undefined : name;
    },
    importsToo: (node) =>
      (node.type === 'lexical_declaration' || node.type === 'variable_declaration') &&
      /^\s*(const|let|var)\s+[\s\S]*=\s*require\(\s*['"][^'"]+['"]\s*\)\s*;?\s*$/.test(node.text),
  },
  usesInstalledPackages: true,
  memberHolders: ['class', 'object'],
  wrapForParsing(source, holder) {
    if (holder === 'object') return { text: `({\n${source}\n})`, lineOffset: 1 };
    if (holder === 'class') return { text: `class AfterburnerWrapper {\n${source}\n}`, lineOffset: 1 };
    return { text: source, lineOffset: 0 };
  },
  bindings: jsBindings,
  capabilities: (root, bindings) => jsCapabilities(root, bindings as Map<string, JsBinding>),
  generator: {
    language: 'javascript',
    label: 'plain JavaScript (no types)',
    signature: 'function afterburnerInputs(n)',
    returns: 'an array of argument arrays, one array per call',
    plain: 'numbers, strings, booleans, null, and arrays, plain objects, Maps and Sets of them',
    reach: (code) => [...code.matchAll(reachingNames)].map(([name]) => name),
  },
};
