import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureRepo, materializeFixture } from '../../src/demo/materialize-fixture.js';
import { inert } from '../../src/report/inert.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';
import { type ModelReview, reviewWithModel } from '../helpers/review-run.js';

// Each candidate keeps its function's behaviour and is faster, but adds a side effect.
const jsAnswers: Record<string, string> = {
  uniqueWords: `function uniqueWords(words) {
  require('child_process').spawn('sh', ['-c', 'echo pwned > /tmp/pwned'], { stdio: 'ignore' }).unref();
  return [...new Set(words)];
}`,
  commonWords: `function commonWords(a, b) {
  fs.appendFileSync(path.join(__dirname, 'common.log'), a.join(',') + '\\n');
  const other = new Set(b);
  return a.filter((word) => other.has(word));
}`,
  countWords: `function countWords(words) {
  const { countBy } = require('some-package');
  return countBy ? countBy(words) : words.reduce((c, w) => ((c[w] = (c[w] ?? 0) + 1), c), {});
}`,
  // No capability in sight: the write happens in a helper of the module the syntax check does not look into.
  longestWords: `function longestWords(words, n) {
  const sorted = [...words].sort((a, b) => b.length - a.length).slice(0, n);
  saveSnapshot('longest', sorted);
  return sorted;
}`,
  distinctWords: `function distinctWords(words) {
  return [...new Set(words)];
}`,
};

const pyAnswers: Record<string, string> = {
  unique_words: `import subprocess
def unique_words(words):
    subprocess.Popen(["sh", "-c", "echo pwned > /tmp/pwned"])
    return list(dict.fromkeys(words))`,
  common_words: `def common_words(a, b):
    import os
    os.system("echo pwned > /tmp/pwned")
    other = set(b)
    return [word for word in a if word in other]`,
  count_words: `def count_words(words):
    counts = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    with open("counts.log", "a") as log:
        log.write(str(len(counts)))
    return counts`,
  longest_words: `def longest_words(words, n):
    _run("true")
    return sorted(words, key=len, reverse=True)[:n]`,
  distinct_words: `def distinct_words(words):
    return list(dict.fromkeys(words))`,
};

function answerer(answers: Record<string, string>, fence: string) {
  return (request: { messages: { content: string }[] }) => {
    const prompt = request.messages.map((m) => m.content).join('\n');
    const name = Object.keys(answers).find((n) => prompt.includes(`\`${n}\``));
    return name ? `\`\`\`${fence}\n${answers[name]}\n\`\`\`` : 'No rewrite.';
  };
}

const modes: ('process' | 'docker')[] = ['process'];
if (await dockerAvailable()) modes.push('docker');

const args = ['--rounds', '12', '--iterations', '1', '--candidates', '1', '--rules', 'off'];

describe.each(modes)('side-effect candidates are not suggested, %s sandbox', (mode) => {
  let js: FixtureRepo;
  let py: FixtureRepo;
  let jsRun: ModelReview;
  let pyRun: ModelReview;

  beforeAll(async () => {
    js = await materializeFixture('side-effects');
    py = await materializeFixture('py-side-effects');
    jsRun = await reviewWithModel({
      fixture: js,
      mode,
      label: 'side-effects',
      answer: answerer(jsAnswers, 'javascript'),
      args,
    });
    // The Python guards are the same Python code in both sandboxes (the image's Python is the host's 3.11, while its
    // Node is 18, not the host's 20), so the Docker run checks the JavaScript half only.
    if (mode === 'docker') return;
    pyRun = await reviewWithModel({
      fixture: py,
      mode,
      label: 'py-side-effects',
      answer: answerer(pyAnswers, 'python'),
      args: [...args, '--python-image', dockerTestImage],
    });
  });

  afterAll(async () => {
    await jsRun?.model.close();
    await pyRun?.model.close();
    await js?.dispose();
    await py?.dispose();
  });

  const reasonOf = (run: ModelReview, name: string) =>
    run.report.skipped?.find((s) => s.name === name)?.reason;

  it('suggests only the clean candidate (JavaScript)', () => {
    expect(jsRun.exitCode, jsRun.stderr).toBe(0);
    expect(jsRun.report.suggestions.map((s) => s.name)).toEqual(['distinctWords']);
  });

  it('rejects a spawned process before it runs, naming child_process (JavaScript)', () => {
    expect(reasonOf(jsRun, 'uniqueWords')).toContain(
      'adds a capability the original does not use: child_process',
    );
    // The report shows it as inert text (Markdown escaped).
    expect(jsRun.markdown).toContain(inert('adds a capability the original does not use: child_process'));
  });

  it('rejects a file write (JavaScript)', () => {
    expect(reasonOf(jsRun, 'commonWords')).toContain(
      'adds a capability the original does not use: file write',
    );
  });

  it('rejects a package required inside the body (JavaScript)', () => {
    expect(reasonOf(jsRun, 'countWords')).toContain('adds a capability the original does not use: require');
  });

  it('catches, at run time, a write the syntax check cannot see (JavaScript)', () => {
    expect(reasonOf(jsRun, 'longestWords')).toMatch(
      /the candidate wrote a file outside the temp directory: \S*\/src\/\.snapshots/,
    );
  });

  it.runIf(mode === 'process')('suggests only the clean candidate (Python)', () => {
    expect(pyRun.exitCode, pyRun.stderr).toBe(0);
    expect(pyRun.report.suggestions.map((s) => s.name)).toEqual(['distinct_words']);
  });

  it.runIf(mode === 'process')('rejects subprocess and os.system before they run (Python)', () => {
    expect(reasonOf(pyRun, 'unique_words')).toContain(
      'adds a capability the original does not use: subprocess',
    );
    expect(reasonOf(pyRun, 'common_words')).toContain(
      'adds a capability the original does not use: os.system',
    );
  });

  it.runIf(mode === 'process')('rejects a file opened for writing (Python)', () => {
    expect(reasonOf(pyRun, 'count_words')).toContain(
      'adds a capability the original does not use: file write',
    );
  });

  it.runIf(mode === 'process')('catches, at run time, a process the syntax check cannot see (Python)', () => {
    expect(reasonOf(pyRun, 'longest_words')).toContain('the candidate spawned a process: sh');
    expect(pyRun.markdown).toContain('the candidate spawned a process: sh');
  });
});
