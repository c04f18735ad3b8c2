/**
 * The program that checks one solution: the solution's code, then every test case in order. Each result goes
 * through a JSON round trip and is compared with the expected JSON; the first mismatch or exception is written to
 * standard error and exits 1. Its run is what gets measured, as Monolith measures a submission.
 */
import type { Problem, TestCase } from './problems.js';

/** A JSON value as a string literal both Python and JavaScript read (JSON.stringify never writes `\/`). */
const literal = (value: unknown) => JSON.stringify(JSON.stringify(value));

function pythonCase(test: TestCase): string {
  const make = test.argsCode === undefined ? `__ab_json.loads(${literal(test.args)})` : `(${test.argsCode})`;
  return `    (lambda: ${make}, __ab_json.loads(${literal(test.expected)})),`;
}

function pythonDriver(problem: Problem, solution: string): string {
  return `${solution}


import json as __ab_json, sys as __ab_sys
__ab_cases = [
${problem.tests.map(pythonCase).join('\n')}
]
for __ab_i, (__ab_make, __ab_expected) in enumerate(__ab_cases):
    try:
        __ab_got = __ab_json.loads(__ab_json.dumps(${problem.entry}(*__ab_make())))
    except Exception as __ab_error:
        __ab_sys.stderr.write("test %d raised %s: %s\\n" % (__ab_i + 1, type(__ab_error).__name__, __ab_error))
        __ab_sys.exit(1)
    if __ab_got != __ab_expected:
        __ab_sys.stderr.write("test %d: expected %.200s, got %.200s\\n" % (__ab_i + 1, __ab_json.dumps(__ab_expected), __ab_json.dumps(__ab_got)))
        __ab_sys.exit(1)
`;
}

function javascriptCase(test: TestCase): string {
  const make = test.argsCode === undefined ? `JSON.parse(${literal(test.args)})` : `(${test.argsCode})`;
  return `  [() => ${make}, JSON.parse(${literal(test.expected)})],`;
}

function javascriptDriver(problem: Problem, solution: string): string {
  return `${solution}
;{
  const __abCases = [
${problem.tests.map(javascriptCase).join('\n')}
  ];
  // Object keys in any order are equal, as Python's == has them.
  const __abCanon = (v) => Array.isArray(v) ? v.map(__abCanon) : v !== null && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, __abCanon(v[k])])) : v;
  const __abShow = (v) => String(JSON.stringify(v)).slice(0, 200);
  for (let i = 0; i < __abCases.length; i++) {
    const [make, expected] = __abCases[i];
    let got;
    try {
      const text = JSON.stringify(${problem.entry}(...make()));
      got = text === undefined ? undefined : JSON.parse(text);
    } catch (error) {
      process.stderr.write(\`test \${i + 1} threw \${error && error.name}: \${error && error.message}\\n\`);
      process.exit(1);
    }
    if (JSON.stringify(__abCanon(got)) !== JSON.stringify(__abCanon(expected))) {
      process.stderr.write(\`test \${i + 1}: expected \${__abShow(expected)}, got \${__abShow(got)}\\n\`);
      process.exit(1);
    }
  }
}
`;
}

export function driverProgram(problem: Problem, solution: string): string {
  return problem.language === 'python'
    ? pythonDriver(problem, solution)
    : javascriptDriver(problem, solution);
}
