import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../src/sandbox/index.js';
import type { SandboxMode } from '../../src/sandbox/types.js';
import { servePoolSandbox } from '../../src/serve/resident-runner.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import type { TaskView } from '../../src/serve/task-store.js';
import { dockerAvailable, dockerTestImage } from '../helpers/docker.js';

const modes: SandboxMode[] = (await dockerAvailable()) ? ['process', 'docker'] : ['process'];

async function serve(mode: SandboxMode, workers: number, queueLimit: number): Promise<RunningServer> {
  const sandbox = await createSandbox({
    mode,
    image: dockerTestImage,
    runId: `test-serve-${process.pid}-${Date.now()}`,
    ...servePoolSandbox,
  });
  const images = { python: dockerTestImage, javascript: dockerTestImage };
  return startServer({ sandbox, images, workers, queueLimit, host: '127.0.0.1', port: 0 });
}

async function post(server: RunningServer, path: string, body: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

async function submit(server: RunningServer, body: unknown): Promise<string> {
  const { status, json } = await post(server, '/execute', body);
  expect(status, JSON.stringify(json)).toBe(200);
  return json.task_id as string;
}

/** Polls until the task has finished; the suite's timeout is the only limit. */
async function result(server: RunningServer, id: string): Promise<TaskView> {
  for (;;) {
    const response = await fetch(`${server.url}/results/${id}`);
    expect(response.status).toBe(200);
    const task = (await response.json()) as TaskView;
    if (task.status === 'done' || task.status === 'error') return task;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface StatusView {
  workers: number;
  busy: number;
  replacing: number;
  replaced: number;
  queued: number;
  completed: number;
  failed: number;
}

async function status(server: RunningServer): Promise<StatusView> {
  return (await (await fetch(`${server.url}/status`)).json()) as StatusView;
}

async function run(server: RunningServer, body: unknown): Promise<TaskView> {
  return result(server, await submit(server, body));
}

describe.each(modes)('afterburner serve (%s sandbox)', (mode) => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await serve(mode, 2, 64);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('runs Python and JavaScript programs and reports Monolith’s figures', async () => {
    const [python, js] = await Promise.all([
      run(server, { language: 'python', code: 'import sys\nprint(6 * 7)\nprint("oops", file=sys.stderr)' }),
      run(server, {
        language: 'js',
        code: 'console.log([1, 2].map((x) => x * 2).join(","))\nprocess.exit(3)',
      }),
    ]);
    expect(python).toMatchObject({
      status: 'done',
      output_dict: { stdout: '42\n', stderr: 'oops\n', returncode: 0, outcome: 'ok' },
    });
    expect(js).toMatchObject({
      status: 'done',
      output_dict: { stdout: '2,4\n', returncode: 3, outcome: 'failed' },
    });
    for (const task of [python, js]) {
      const output = task.output_dict as NonNullable<TaskView['output_dict']>;
      expect(output.duration).toBeGreaterThan(0);
      expect(output.duration).toBeLessThan(30);
      expect(output.peak_memory).toBeGreaterThan(0);
      expect(output.integral).toBeGreaterThanOrEqual(0);
      expect(output.cpu_time).toBeGreaterThan(0);
    }
  });

  it('shows a ~100 MB allocation in peak_memory', async () => {
    const trivial = await run(server, { language: 'python3', code: 'print(1)' });
    const big = await run(server, {
      language: 'python',
      code: 'import time\nblock = b"x" * (100 * 1024 * 1024)\ntime.sleep(0.2)\nprint(len(block))',
      run_memory_profile: true,
    });
    expect(big.output_dict?.stdout).toBe(`${100 * 1024 * 1024}\n`);
    const trivialPeak = trivial.output_dict?.peak_memory ?? 0;
    expect(big.output_dict?.peak_memory).toBeGreaterThan(trivialPeak + 80 * 1024);
    expect(big.output_dict?.integral).toBeGreaterThan(trivial.output_dict?.integral ?? 0);
  });

  it('ends a program at its timeout and replaces the worker', async () => {
    const before = await status(server);
    const task = await run(server, { language: 'node', code: 'for (;;) {}', timeout: 1 });
    expect(task.status).toBe('done');
    expect(task.output_dict?.outcome).toBe('timeout');
    expect(task.output_dict?.duration).toBeGreaterThanOrEqual(0.9);
    expect(task.output_dict?.duration).toBeLessThan(1 + 3);
    let after = await status(server);
    while (after.replacing > 0 || after.replaced === before.replaced) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = await status(server);
    }
    expect(after).toMatchObject({ workers: 2, replaced: before.replaced + 1, replacing: 0 });
    expect((await run(server, { language: 'js', code: 'console.log("next")' })).output_dict?.stdout).toBe(
      'next\n',
    );
  });

  it('fails a task whose library is not in the image, without installing anything', async () => {
    const task = await run(server, {
      language: 'python',
      code: 'import nosuchlib_xyz',
      libraries: ['json', 'nosuchlib_xyz'],
    });
    expect(task.status).toBe('error');
    expect(task.output_dict?.stderr).toMatch(/not installed: nosuchlib_xyz\. .*no network/);
    const present = await run(server, {
      language: 'python',
      code: 'import json; print(json.dumps([1]))',
      libraries: ['json'],
    });
    expect(present).toMatchObject({ status: 'done', output_dict: { stdout: '[1]\n' } });
  });

  it('answers 20 concurrent submissions exactly once each', async () => {
    const before = await status(server);
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        submit(
          server,
          i % 2 ? { language: 'python', code: `print(${i})` } : { language: 'js', code: `console.log(${i})` },
        ),
      ),
    );
    expect(new Set(ids).size).toBe(20);
    const results = await Promise.all(ids.map((id) => result(server, id)));
    results.forEach((task, i) => {
      expect(task).toMatchObject({
        task_id: ids[i],
        status: 'done',
        output_dict: { stdout: `${i}\n`, returncode: 0 },
      });
    });
    const after = await status(server);
    expect(after.completed - before.completed).toBe(20);
    expect(after.failed).toBe(before.failed);
    expect(after).toMatchObject({ busy: 0, queued: 0 });
  });

  it.skipIf(mode !== 'docker')(
    'leaves nothing a program wrote for the next one in the same worker',
    async () => {
      const plant = await run(server, {
        language: 'python',
        code: 'import os\nos.makedirs("/tmp/.local", exist_ok=True)\nopen("/tmp/.local/x", "w").write("1")\nopen("/work/planted", "w").write("1")\nprint("planted")',
      });
      expect(plant.output_dict?.stdout).toBe('planted\n');
      // Two workers: check both by running the check twice at once.
      const checks = await Promise.all(
        [0, 1].map(() =>
          run(server, {
            language: 'python',
            code: 'import os\nprint(os.path.exists("/tmp/.local/x") or os.path.exists("/work/planted"))',
          }),
        ),
      );
      for (const check of checks) expect(check.output_dict?.stdout).toBe('False\n');
      const waited = await fetch(`${server.url}/results/${plant.task_id}?wait=5`);
      expect(((await waited.json()) as TaskView).status).toBe('done');
    },
  );

  it.skipIf(mode !== 'docker')(
    'runs a program as a user that cannot signal, trace or read the pipes of the loop that serves the next one',
    async () => {
      // Every other process in the container: the program may find the loop, but not open its stdin (the next
      // request), signal it or attach to it.
      const probe = [
        'import os, signal',
        'me = os.getpid()',
        'others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (me, os.getppid())]',
        'reached = []',
        'for pid in others:',
        '    try:',
        '        os.open("/proc/%d/fd/0" % pid, os.O_RDONLY); reached.append(("fd", pid))',
        '    except OSError: pass',
        '    try:',
        '        os.kill(pid, 0); reached.append(("signal", pid))',
        '    except OSError: pass',
        'print(os.getuid(), len(others) > 0, reached)',
      ].join('\n');
      const result = await run(server, { language: 'python', code: probe });
      expect(result.output_dict?.stderr).toBe('');
      expect(result.output_dict?.stdout).toBe('65534 True []\n');
      const after = await run(server, { language: 'python', code: 'print("still served")' });
      expect(after.output_dict?.stdout).toBe('still served\n');
    },
  );

  it('refuses bad requests with 400, unknown tasks with 404 and large bodies with 413', async () => {
    const bad = await post(server, '/execute', '{"language": "python", ');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/not JSON/);
    const ruby = await post(server, '/execute', { language: 'ruby', code: 'puts 1' });
    expect(ruby.status).toBe(400);
    expect(ruby.json.error).toContain('supported: python, python3, javascript, js, node');
    // Names every object has are not languages either.
    for (const language of ['constructor', '__proto__', 'toString'])
      expect((await post(server, '/execute', { language, code: '1' })).status).toBe(400);
    expect(
      (await post(server, '/execute', { language: 'python', code: 'print(1)', timeout: 121 })).status,
    ).toBe(400);
    expect((await post(server, '/execute', { language: 'python' })).status).toBe(400);
    expect(
      (await post(server, '/execute', { language: 'python', code: '', libraries: ['x; rm -rf /'] })).status,
    ).toBe(400);
    const huge = await post(server, '/execute', {
      language: 'python',
      code: 'x'.repeat(2 * 1024 * 1024),
    }).catch(() => ({ status: 413 }));
    expect(huge.status).toBe(413);
    const unknown = await fetch(`${server.url}/results/00000000-0000-0000-0000-000000000000`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/no such task/);
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
  });

  it('computes the reward over HTTP', async () => {
    const { status: code, json } = await post(server, '/reward', {
      original: { passed: true, duration: 2 },
      candidate: { passed: true, duration: 1 },
      format_ok: true,
    });
    expect(code).toBe(200);
    expect(json.reward).toBeCloseTo(0.831058579, 8);
    expect((await post(server, '/reward', { original: { passed: 'yes' } })).status).toBe(400);
  });

  it('answers 429 with Retry-After when the queue is full, and still runs what it accepted', async () => {
    const small = await serve(mode, 1, 1);
    try {
      const slow = { language: 'python', code: 'import time\ntime.sleep(1)\nprint("slow")' };
      const running = await submit(small, slow);
      const queued = await submit(small, slow);
      const refused = await post(small, '/execute', slow);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.json.error).toMatch(/queue is full/);
      for (const id of [running, queued]) {
        expect((await result(small, id)).output_dict?.stdout).toBe('slow\n');
      }
      expect(await status(small)).toMatchObject({ completed: 2, failed: 0, queue_limit: 1, workers: 1 });
    } finally {
      await small.close();
    }
  });
});
