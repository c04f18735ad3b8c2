/**
 * `npm run bench:review`: wall time of a whole review of a fixture pull request that changes 5 functions
 * (fixtures/repos/reading-list), 3 iterations × 4 candidates, against a loopback chat-completions model whose
 * candidates are all distinct (so every one is evaluated: tests, differential check, benchmark). Then the same
 * review again, served from the result cache. Target: the first review under 3 minutes on the dev machine.
 * BENCH_SANDBOX=process|docker|auto (default process).
 */
import { performance } from 'node:perf_hooks';
import { materializeFixture } from '../src/demo/materialize-fixture.js';
import { runReview } from '../src/run.js';
import type { SandboxMode } from '../src/sandbox/types.js';
import { type ChatRequest, startFakeOpenAI } from '../test/helpers/fake-openai.js';

const faster: Record<string, string> = {
  commonAuthors: `export function commonAuthors(mine, yours) {
  const theirs = new Set(yours);
  const seen = new Set();
  const result = [];
  for (const author of mine) {
    if (theirs.has(author) && !seen.has(author)) {
      seen.add(author);
      result.push(author);
    }
  }
  return result;
}`,
  byIsbn: `export const byIsbn = (books) => {
  const acc = {};
  for (const book of books) acc[book.isbn] = book;
  return acc;
};`,
  notOnShelf: `export function notOnShelf(wanted, shelf) {
  const onShelf = new Set(shelf);
  return wanted.filter((isbn) => !onShelf.has(isbn));
}`,
  wordCounts: `export function wordCounts(words) {
  const counts = {};
  for (const word of words) {
    if (Object.hasOwn(counts, word)) counts[word] += 1;
    else counts[word] = 1;
  }
  return counts;
}`,
  pagePairs: `export function pagePairs(pages, total) {
  const seen = new Map();
  let count = 0;
  for (const page of pages) {
    count += seen.get(total - page) ?? 0;
    seen.set(page, (seen.get(page) ?? 0) + 1);
  }
  return count;
}`,
};

let variant = 0;
/** Per group: the faster rewrite, a distinct variant of it, garbage, and a rewrite that breaks the tests. */
function answer(request: ChatRequest, nth: number): string {
  const prompt = request.messages.map((m) => m.content).join('\n');
  const name = Object.keys(faster).find((n) => prompt.includes(`\`${n}\` in \``)) ?? 'commonAuthors';
  const code = faster[name] as string;
  variant++;
  switch (nth % 4) {
    case 0:
      return `\`\`\`javascript\n${code.replace('{\n', `{\n  // variant ${variant}\n`)}\n\`\`\``;
    case 1:
      return `<solution>\n${code.replace('{\n', `{\n  /* variant ${variant} */\n`)}\n</solution>`;
    case 2:
      return 'I would need more context to optimize this.';
    default:
      return `\`\`\`javascript\n${code.replace(/return (\w+);/, 'return $1 && undefined;')}\n\`\`\``;
  }
}

async function review(label: string, cache: boolean): Promise<void> {
  const fixture = await materializeFixture('reading-list');
  const model = await startFakeOpenAI(answer);
  try {
    const started = performance.now();
    const report = await runReview({
      repo: fixture.dir,
      base: fixture.base,
      head: fixture.head,
      provider: 'openai',
      model: 'bench-coder',
      baseUrl: model.baseUrl,
      iterations: 3,
      candidates: 4,
      minSpeedup: 0.1,
      rounds: 30,
      sandbox: (process.env.BENCH_SANDBOX ?? 'process') as SandboxMode,
      images: {
        image: process.env.AFTERBURNER_IMAGE ?? 'afterburner-sandbox:bookworm',
        pythonImage: 'unused',
        images: {},
      },
      cacheDir: cache ? undefined : false,
      trajectoryDir: false,
    });
    const seconds = (performance.now() - started) / 1000;
    const speedups = report.suggestions.map((s) => `${s.name} ${s.benchmark.estimate.speedup.toFixed(1)}×`);
    console.log(
      `${label}: ${seconds.toFixed(1)} s wall, ${model.requests.length} model requests, ` +
        `${report.suggestions.length}/5 verified suggestions (${speedups.join(', ')}); sandbox ${report.sandbox.kind}`,
    );
    for (const skip of report.skipped) console.log(`  skipped ${skip.name}: ${skip.reason.split('\n')[0]}`);
    if (cache) {
      const before = model.requests.length;
      const second = performance.now();
      const again = await runReview({
        repo: fixture.dir,
        base: fixture.base,
        head: fixture.head,
        provider: 'openai',
        model: 'bench-coder',
        baseUrl: model.baseUrl,
        iterations: 3,
        candidates: 4,
        minSpeedup: 0.1,
        rounds: 30,
        sandbox: (process.env.BENCH_SANDBOX ?? 'process') as SandboxMode,
        images: {
          image: process.env.AFTERBURNER_IMAGE ?? 'afterburner-sandbox:bookworm',
          pythonImage: 'unused',
          images: {},
        },
        trajectoryDir: false,
      });
      console.log(
        `same review again (cache): ${((performance.now() - second) / 1000).toFixed(1)} s wall, ` +
          `${model.requests.length - before} new model requests, ${again.suggestions.length}/5 verified suggestions`,
      );
    }
  } finally {
    await model.close();
    await fixture.dispose();
  }
}

await review(
  'review of 5 changed functions, 3 iterations × 4 candidates (rules first, then the model)',
  true,
);
