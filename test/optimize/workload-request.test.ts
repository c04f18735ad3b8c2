import { afterEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/detect/types.js';
import { generatorCapabilities, requestWorkload } from '../../src/optimize/workload-request.js';
import { OpenAIProvider } from '../../src/providers/openai-provider.js';
import { type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';

const target: Target = {
  id: 'src/primes.js:primesBelow',
  path: 'src/primes.js',
  language: 'typescript',
  name: 'primesBelow',
  kind: 'function',
  startLine: 1,
  endLine: 3,
  source: 'export function primesBelow(limit: number): number[] {\n  return [];\n}',
  changedLines: [1],
  exportName: 'primesBelow',
  async: false,
  generator: false,
  context: '',
};

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The generator source the harness received, if any: the harness runs it in the sandbox. */
function recordingHarness() {
  const received: string[] = [];
  return {
    received,
    addWorkload: async (source: string) => {
      received.push(source);
      return { kept: [100, 1000], notes: [] };
    },
  };
}

async function ask(answer: string, forTarget: Target = target) {
  server = await startFakeOpenAI(() => answer);
  const provider = new OpenAIProvider({ model: 'm', baseURL: server.baseUrl });
  const harness = recordingHarness();
  const result = await requestWorkload(forTarget, (request) => provider.propose(request), harness);
  return { result, received: harness.received, prompt: server.requests[0]?.messages ?? [] };
}

describe('asking the model for an input generator', () => {
  it("asks for `afterburnerInputs(n)` in plain JavaScript for a TypeScript function, and hands over the answer's code", async () => {
    const { result, received, prompt } = await ask(
      'Here:\n```javascript\nfunction afterburnerInputs(n) {\n  return [[n]];\n}\n```',
    );
    const user = prompt.find((m) => m.role === 'user')?.content ?? '';
    expect(user).toContain('Write `function afterburnerInputs(n)` in plain JavaScript (no types)');
    expect(user).toContain('export function primesBelow(limit: number): number[] {');
    expect(user).toContain('n = 100, 1000, 10000, 100000');
    expect(received).toEqual(['function afterburnerInputs(n) {\n  return [[n]];\n}\n']);
    expect(result).toMatchObject({ kept: [100, 1000], notes: [] });
    expect(result?.usage.outputTokens).toBeGreaterThan(0);
  });

  it('never runs a generator that would write files, start processes or load code', async () => {
    const { result, received } = await ask(
      // It would rewrite the harness that judges the candidates.
      "```javascript\nconst fs = require('node:fs');\nfunction afterburnerInputs(n) {\n  fs.writeFileSync('.afterburner-harness/equal.mjs', '');\n  return [[n]];\n}\n```",
    );
    expect(received).toEqual([]);
    expect(result?.kept).toEqual([]);
    expect(result?.notes).toEqual(['the input generator was not run: it uses require']);
  });

  it('says so when the answer holds no code, and asks nothing for methods', async () => {
    const { result, received } = await ask('I would rather not.');
    expect(received).toEqual([]);
    expect(result?.notes).toEqual(['the model answered with no input generator']);

    const method = { ...target, name: 'Sieve.below', member: { owner: 'Sieve', static: false } };
    const asked = await ask('```javascript\nfunction afterburnerInputs(n) { return [[n]]; }\n```', method);
    expect(asked.result).toBeUndefined();
    expect(server?.requests).toHaveLength(0);
  });

  it('asks for `afterburner_inputs(n)` for a Python function', async () => {
    const python: Target = {
      ...target,
      id: 'pkg/primes.py:primes_below',
      path: 'pkg/primes.py',
      language: 'python',
      name: 'primes_below',
      source: 'def primes_below(limit):\n    return []',
    };
    const { received, prompt } = await ask(
      '```python\ndef afterburner_inputs(n):\n    return [(n,)]\n```',
      python,
    );
    expect(prompt.find((m) => m.role === 'user')?.content).toContain(
      'Write `def afterburner_inputs(n)` in Python',
    );
    expect(received).toEqual(['def afterburner_inputs(n):\n    return [(n,)]\n']);
  });

  it('allows pure computing modules in Python and nothing that reaches files, processes or builtins', async () => {
    expect(
      await generatorCapabilities(
        'import random\nfrom itertools import count\ndef afterburner_inputs(n):\n    return [(n,)]\n',
        'python',
      ),
    ).toEqual([]);
    expect(
      await generatorCapabilities(
        'import os, random\ndef afterburner_inputs(n):\n    os.remove("x")\n    return [(open("y").read(),)]\n',
        'python',
      ),
    ).toEqual(['file write', 'import os', 'open']);
    expect(
      await generatorCapabilities('function afterburnerInputs(n) { return [[globalThis.x]]; }', 'javascript'),
    ).toEqual(['globalThis']);
  });
});
