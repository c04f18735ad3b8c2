import type { CandidateEvidence } from '../../src/optimize/candidate-evidence.js';

/** One candidate of every kind the loop keeps, with the fields the loop fills in for it. */
export const everyKindOfCandidate: CandidateEvidence[] = [
  {
    iteration: 0,
    candidate: 1,
    source: 'rule set-membership',
    verdict: 'faster',
    estimate: { speedup: 5.1815, low: 4.9012, high: 5.4477, confidence: 0.95 },
    kept: true,
  },
  {
    iteration: 1,
    candidate: 1,
    source: 'model gpt-4o-mini',
    verdict: 'tests-failed',
    reason:
      'tests failed:\nsharedTags keeps the order of posts: AssertionError [ERR_ASSERTION]: Expected values to be ' +
      "strictly deep-equal:\n+ actual - expected\n\n  [\n+   'b',\n    'a'\n  ]",
    failingTests: [
      {
        name: 'sharedTags keeps the order of posts',
        message:
          "AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal:\n+ actual - expected\n\n  [\n+   'b',\n    'a'\n  ]",
      },
      { name: 'sharedTags handles <b>empty</b> | featured', message: 'TypeError: featured is not iterable' },
    ],
  },
  {
    iteration: 1,
    candidate: 2,
    source: 'model gpt-4o-mini',
    verdict: 'differs',
    reason:
      "differs from the original in its return value on captured call 3: input [['a','b'],['b']]; expected " +
      "['b'], got ['b','b']",
    difference: {
      call: 3,
      what: 'return value',
      input: "[['a','b'],['b']]",
      expected: "['b']",
      actual: "['b','b']",
    },
  },
  {
    iteration: 1,
    candidate: 3,
    source: 'model gpt-4o-mini',
    verdict: 'not-faster',
    reason:
      'correct, but not significantly faster: 95% CI 0.97–1.09x does not clear 1.100x; Wilcoxon p = 0.41',
    estimate: { speedup: 1.03, low: 0.97, high: 1.09, confidence: 0.95 },
  },
  {
    iteration: 1,
    candidate: 4,
    source: 'model gpt-4o-mini',
    verdict: 'not-run',
    check: 'capability',
    reason: 'adds a capability the original does not use: child_process',
  },
  {
    iteration: 2,
    candidate: 1,
    source: 'model gpt-4o-mini',
    verdict: 'not-run',
    check: 'dependency',
    reason: 'format error: new dependency lodash',
  },
  {
    iteration: 2,
    candidate: 2,
    source: 'model gpt-4o-mini',
    verdict: 'not-run',
    check: 'syntax',
    reason: 'format error: the candidate has a syntax error at its line 3',
  },
  {
    iteration: 2,
    candidate: 3,
    source: 'model gpt-4o-mini',
    verdict: 'not-run',
    check: 'signature',
    reason:
      'format error: the candidate changes the parameters of `sharedTags` from (posts, featured) to (posts)',
  },
  {
    iteration: 2,
    candidate: 4,
    source: 'model gpt-4o-mini',
    verdict: 'not-run',
    check: 'duplicate',
    reason: 'same code as an earlier candidate',
  },
  {
    iteration: 2,
    candidate: 5,
    source: 'model gpt-4o-mini',
    verdict: 'side-effect',
    reason: 'tripwire: the candidate wrote to a file (/tmp/x) while the original writes none',
  },
  {
    iteration: 3,
    candidate: 0,
    source: 'model gpt-4o-mini',
    verdict: 'model-error',
    reason: 'provider error: 429 Too Many Requests (retried 3 times)',
  },
];
