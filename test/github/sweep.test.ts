import { describe, expect, it } from 'vitest';
import type { DetectResult, Target } from '../../src/detect/types.js';
import { mergeReports } from '../../src/sweep/merge-reports.js';
import { filterTargets } from '../../src/sweep/select-targets.js';
import { inShard, parseShard, shardOf } from '../../src/sweep/shard.js';
import { reportWith, suggestionFor } from './report-fixture.js';

function target(path: string, name: string, startLine: number): Target {
  return {
    id: `${path}:${name}`,
    path,
    language: path.endsWith('.py') ? 'python' : 'javascript',
    name,
    kind: 'function',
    startLine,
    endLine: startLine + 2,
    source: '',
    changedLines: [],
    async: false,
    generator: false,
    context: '',
  };
}

describe('sweep shards', () => {
  const keys = Array.from({ length: 500 }, (_, i) => `src/file${i % 37}.js:fn${i}`);

  it.each([1, 2, 3, 7])('shards 1..%i cover every key exactly once', (count) => {
    const seen = new Map<string, number>();
    for (let index = 1; index <= count; index++) {
      for (const key of inShard(keys, (k) => k, { index, count })) seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(seen.size).toBe(keys.length);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it('is stable and roughly balanced', () => {
    expect(shardOf('src/a.js:f', 4)).toBe(shardOf('src/a.js:f', 4));
    const sizes = [1, 2, 3, 4].map((index) => inShard(keys, (k) => k, { index, count: 4 }).length);
    expect(Math.min(...sizes)).toBeGreaterThan(80);
    expect(parseShard(' 2 / 4 ')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('0/2')).toThrow(/not i\/n/);
  });

  it('filters by globs and languages and caps before sharding', () => {
    const detection: DetectResult = {
      mergeBase: 'a',
      headSha: 'a',
      skipped: [],
      targets: [
        target('src/b.js', 'b1', 1),
        target('src/a.js', 'a1', 10),
        target('src/a.js', 'a0', 1),
        target('lib/c.py', 'c', 1),
        target('vendor/v.js', 'v', 1),
      ],
    };
    const filter = {
      include: ['src/**', 'lib/**'],
      exclude: ['vendor/**'],
      languages: ['javascript' as const],
      maxFunctions: 2,
    };
    const all = filterTargets(detection, filter);
    expect(all.targets.map((t) => t.name)).toEqual(['a0', 'a1']);
    expect(all.skipped.map((s) => s.reason)).toEqual([
      'language python is not in the languages input',
      'over max-functions (2)',
    ]);
    const shards = [1, 2].flatMap(
      (index) => filterTargets(detection, { ...filter, shard: { index, count: 2 } }).targets,
    );
    expect(shards.map((t) => t.name).sort()).toEqual(['a0', 'a1']);
  });

  it('merges shard reports: suggestions add up, shared skips once', () => {
    const a = reportWith(
      [
        suggestionFor({
          path: 'src/a.js',
          name: 'f',
          startLine: 9,
          endLine: 9,
          original: 'x',
          replacement: 'y',
        }),
      ],
      'h',
    );
    const b = reportWith(
      [
        suggestionFor({
          path: 'src/a.js',
          name: 'g',
          startLine: 1,
          endLine: 1,
          original: 'x',
          replacement: 'y',
        }),
      ],
      'h',
    );
    a.skipped.push({ path: 'src/gen.js', stage: 'detect', reason: 'generated' });
    b.skipped.push({ path: 'src/gen.js', stage: 'detect', reason: 'generated' });
    b.usage = { inputTokens: 10, outputTokens: 5 };
    const merged = mergeReports([a, b]);
    expect(merged.suggestions.map((s) => s.name)).toEqual(['g', 'f']);
    expect(merged.skipped.filter((s) => s.path === 'src/gen.js')).toHaveLength(1);
    expect(merged.usage).toEqual({ inputTokens: 10, outputTokens: 5 });
    expect(() => mergeReports([a, reportWith([], 'other')])).toThrow(/different commits/);
  });
});
