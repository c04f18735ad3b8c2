import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { dockerAvailable } from '../helpers/docker.js';
import { type ModelReview, reviewWithModel } from '../helpers/review-run.js';

const run = promisify(execFile);

// Checks a copy of the list once it is long: the same as the original on the tests' few tags, 2–3× slower on the
// benchmark's 1 500.
const slowerAtScale = `function distinctTags(posts) {
  const tags = [];
  for (const post of posts) {
    for (const tag of post.tags) {
      const list = tags.length > 64 ? tags.slice() : tags;
      if (!list.includes(tag)) tags.push(tag);
    }
  }
  return tags;
}`;

// The original's loop while the list is short, a Set once it is long: the tests' inputs cannot tell them apart,
// the repository's benchmark can.
const fasterAtScale = `function distinctTags(posts) {
  const tags = [];
  let seen;
  for (const post of posts) {
    for (const tag of post.tags) {
      if (seen) {
        if (!seen.has(tag)) {
          seen.add(tag);
          tags.push(tag);
        }
      } else if (!tags.includes(tag)) {
        tags.push(tag);
        if (tags.length === 64) seen = new Set(tags);
      }
    }
  }
  return tags;
}`;

// One run, process sandbox only: the Docker path runs the same commands through the same Workspace interface,
// which the harness's Docker tests cover.
describe("afterburner review with the repository's own benchmark (benchmark.js), process sandbox", () => {
  let fixture: FixtureRepo;
  let review: ModelReview;

  beforeAll(async () => {
    fixture = await materializeFixture('bench-js');
    await run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: fixture.dir });
    let requests = 0;
    review = await reviewWithModel({
      fixture,
      mode: 'process',
      label: 'repo-bench',
      answer: () =>
        `Here you go.\n\`\`\`javascript\n${requests++ === 0 ? slowerAtScale : fasterAtScale}\n\`\`\``,
      args: [
        '--rules',
        'off',
        '--iterations',
        '2',
        '--candidates',
        '1',
        '--rounds',
        '12',
        '--repo-bench-seconds',
        '30',
      ],
    });
  });

  afterAll(async () => {
    await review?.model.close();
    await fixture?.dispose();
  });

  it('suggests the candidate the benchmark shows faster, resting the verdict on that benchmark', () => {
    expect(review.exitCode, review.stderr).toBe(0);
    const [suggestion] = review.report.suggestions;
    expect(suggestion?.replacement).toBe(fasterAtScale);
    const benchmark = suggestion?.benchmark;
    expect(benchmark?.decision).toMatchObject({
      outcome: 'suggest',
      benchmark: 'benchmarks/bench-tags.js › distinctTags(2000 posts)',
    });
    expect(benchmark?.decision?.estimate.low).toBeGreaterThan(1.1);
    // On the tests' own three to thirty tags the two versions run the same loop.
    expect(benchmark?.verdict).not.toBe('faster');
    expect(benchmark?.repository).toEqual([
      expect.objectContaining({
        file: 'benchmarks/bench-tags.js',
        task: 'distinctTags(2000 posts)',
        kind: 'benchmark.js',
        verdict: 'faster',
      }),
    ]);
    expect(benchmark?.repository?.[0]?.rounds).toBeGreaterThanOrEqual(6);
  });

  it('rejects the candidate that is slower on the benchmark, naming it, with the rows in the JSON', () => {
    expect(review.markdown).toContain(
      "slower on the repository's benchmark benchmarks/bench-tags.js › distinctTags(2000 posts)",
    );
    const rejected = review.report.suggestions[0]?.candidates?.find((c) => c.iteration === 1);
    expect(rejected).toMatchObject({ verdict: 'not-faster' });
    expect(rejected?.repository).toEqual([
      expect.objectContaining({ task: 'distinctTags(2000 posts)', verdict: 'slower' }),
    ]);
  });

  it('shows the benchmark as a row of the table and in the headline', () => {
    expect(review.markdown).toMatch(
      /faster on the repository's benchmark `benchmarks\/bench-tags\.js › distinctTags\(2000 posts\)`/,
    );
    expect(review.markdown).toMatch(
      /\| repository benchmark `benchmarks\/bench-tags\.js` › distinctTags\(2000 posts\): time per operation \(median of \d+ runs\) \|/,
    );
  });
});

// The original's loop while the list is short, a set from the post where it grows long: on the tests' dozen posts
// (four in a test) only one length check per post differs.
const fasterAtScalePython = `def distinct_tags(posts):
    """The distinct tags of a list of posts, in first-seen order."""
    tags = []
    posts = iter(posts)
    for post in posts:
        for tag in post["tags"]:
            if tag not in tags:
                tags.append(tag)
        if len(tags) >= 64:
            break
    else:
        return tags
    seen = set(tags)
    for post in posts:
        for tag in post["tags"]:
            if tag not in seen:
                seen.add(tag)
                tags.append(tag)
    return tags`;

// Docker where a daemon answers (in CI it must): the image's pytest-benchmark, the container's paths.
const pythonMode = (await dockerAvailable()) ? 'docker' : 'process';

describe(`afterburner review with the repository's own benchmark (pytest-benchmark), ${pythonMode} sandbox`, () => {
  let fixture: FixtureRepo;
  let review: ModelReview;

  beforeAll(async () => {
    fixture = await materializeFixture('bench-py');
    review = await reviewWithModel({
      fixture,
      mode: pythonMode,
      label: 'repo-bench-py',
      answer: () => `Here you go.\n\`\`\`python\n${fasterAtScalePython}\n\`\`\``,
      args: [
        '--rules',
        'off',
        '--iterations',
        '1',
        '--candidates',
        '1',
        '--rounds',
        '12',
        '--repo-bench-seconds',
        '80',
      ],
    });
  });

  afterAll(async () => {
    await review?.model.close();
    await fixture?.dispose();
  });

  it('runs the pytest-benchmark test that reaches the function on both versions and suggests on it', () => {
    expect(review.exitCode, review.stderr).toBe(0);
    const [suggestion] = review.report.suggestions;
    expect(suggestion?.replacement).toBe(fasterAtScalePython);
    expect(suggestion?.benchmark.decision).toMatchObject({
      outcome: 'suggest',
      benchmark: 'benchmarks/test_bench_tags.py › test_distinct_tags_archive',
    });
    expect(suggestion?.benchmark.repository).toEqual([
      expect.objectContaining({
        kind: 'pytest-benchmark',
        task: 'test_distinct_tags_archive',
        verdict: 'faster',
      }),
    ]);
  });
});
