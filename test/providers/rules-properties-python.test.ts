import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { anyAllGenerator } from '../../src/languages/python/rules/any-all-generator.js';
import { countToIn } from '../../src/languages/python/rules/count-to-in.js';
import { dedupeSeenSet } from '../../src/languages/python/rules/dedupe-seen-set.js';
import { pythonRules } from '../../src/languages/python/rules/index.js';
import { insertFrontReverse } from '../../src/languages/python/rules/insert-front-reverse.js';
import { keysMembership } from '../../src/languages/python/rules/keys-membership.js';
import { listMembershipSet } from '../../src/languages/python/rules/list-membership-set.js';
import { popFrontDeque } from '../../src/languages/python/rules/pop-front-deque.js';
import { removeScratchDir, rewrite, runPython } from './rules-fixtures/harness.js';
import { expectPythonRuleKeepsBehaviour, pythonScalar } from './rules-fixtures/properties.js';

afterAll(removeScratchDir);

// Each Python rule against the original in one python3 run over all generated inputs: results (type and repr)
// and raised exception types must match.

const values = fc.array(pythonScalar, { maxLength: 6 });
describe('Python rules keep behaviour on every input', () => {
  it('list-membership-set (unhashable inputs, 1 == 1.0 == True, NaN)', async () => {
    await expectPythonRuleKeepsBehaviour({
      rule: listMembershipSet,
      source:
        'def shared(tags, featured):\n    names = [str(f) for f in featured]\n    return [t for t in tags if str(t) in names]\n',
      callable: 'shared',
      args: fc.tuple(values, values),
      examples: [[[[1]], [[1]]]],
    });
  });

  it('dedupe-seen-set (unhashable inputs)', async () => {
    await expectPythonRuleKeepsBehaviour({
      rule: dedupeSeenSet,
      source:
        'def dedupe(xs):\n    out = []\n    for x in xs:\n        key = str(x)\n        if key not in out:\n            out.append(key)\n    return out\n',
      callable: 'dedupe',
      args: fc.tuple(values),
      examples: [[[[1], [1]]]],
    });
  });

  // A set raises TypeError on an unhashable value ([1] in {…}) where the list compares it with ==.
  it('list-membership-set and dedupe-seen-set decline values that may be unhashable', async () => {
    const shared = 'def shared(tags, featured):\n    return [t for t in tags if t in featured]\n';
    const dedupe =
      'def dedupe(xs):\n    out = []\n    for x in xs:\n        if x not in out:\n            out.append(x)\n    return out\n';
    expect(await rewrite(shared, [listMembershipSet], 'python')).toBeNull();
    expect(await rewrite(dedupe, [dedupeSeenSet], 'python')).toBeNull();
    const report = await runPython({
      original: dedupe,
      rewritten:
        'def dedupe(xs):\n    out = []\n    seen = set()\n    for x in xs:\n        if x not in seen:\n            seen.add(x)\n            out.append(x)\n    return out\n',
      callable: 'dedupe',
      inputs: ['([[1], [1]],)'],
    });
    expect(report.results[0]?.before).not.toBe(report.results[0]?.after);
  });

  // No rewrite of `sorted(x)[0]` keeps behaviour for every input: `min`/`max` raise ValueError where the
  // original raises IndexError on an empty input, and pick differently around NaN or partial orders (sets).
  it('leaves sorted(x)[0] alone (no rule rewrites it)', async () => {
    const source = 'def cheapest(prices):\n    return sorted(prices)[0], sorted(prices, reverse=True)[0]\n';
    expect(await rewrite(source, pythonRules, 'python')).toBeNull();
    expect(pythonRules.map((rule) => rule.id)).not.toContain('sorted-first-min');
  });

  it('count-to-in', async () => {
    await expectPythonRuleKeepsBehaviour({
      rule: countToIn,
      source: 'def has(xs: list, v):\n    return xs.count(v) > 0\n',
      callable: 'has',
      args: fc.tuple(values, pythonScalar),
    });
  });

  it('keys-membership', async () => {
    await expectPythonRuleKeepsBehaviour({
      rule: keysMembership,
      source: 'def has(d, k):\n    return k in d.keys()\n',
      callable: 'lambda xs, k: has(dict.fromkeys(x for x in xs if x.__hash__), k)',
      args: fc.tuple(values, pythonScalar),
    });
  });

  it('pop-front-deque', async () => {
    await expectPythonRuleKeepsBehaviour({
      rule: popFrontDeque,
      source:
        'def drain(xs):\n    queue = list(xs)\n    out = []\n    while queue:\n        x = queue.pop(0)\n        out.append(x)\n    return out\n',
      callable: 'drain',
      args: fc.tuple(values),
    });
  });

  it('insert-front-reverse', async () => {
    await expectPythonRuleKeepsBehaviour({
      rule: insertFrontReverse,
      source:
        'def backwards(xs):\n    out = []\n    for x in xs:\n        out.insert(0, x)\n    return out\n',
      callable: 'backwards',
      args: fc.tuple(values),
    });
  });

  it('any-all-generator', async () => {
    await expectPythonRuleKeepsBehaviour({
      rule: anyAllGenerator,
      source:
        'def check(xs):\n    return any([x == 0 or x is None for x in xs]), all([not x for x in xs if x != "a"])\n',
      callable: 'check',
      args: fc.tuple(values),
    });
  });

  // `any` stops before a later element that raises ("a" > 0, None["k"]): those comprehensions are left alone.
  it('any-all-generator declines elements that can raise', async () => {
    for (const element of ['x > 0', 'x["k"] == 1', 'x.real']) {
      const source = `def positive(xs):\n    return any([${element} for x in xs])\n`;
      expect(await rewrite(source, [anyAllGenerator], 'python')).toBeNull();
    }
    const report = await runPython({
      original: 'def positive(xs):\n    return any([x > 0 for x in xs])\n',
      rewritten: 'def positive(xs):\n    return any(x > 0 for x in xs)\n',
      callable: 'positive',
      inputs: ["([1, 'a'],)"],
    });
    expect(report.results[0]?.before).not.toBe(report.results[0]?.after);
  });
});
