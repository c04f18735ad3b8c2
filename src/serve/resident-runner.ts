/**
 * Runs programs in a warm Docker workspace through one long-lived `docker exec` (a shell loop in the container)
 * instead of an archive upload and a new exec per program: on a 2-core machine those two daemon round trips cost
 * ~200 ms of daemon CPU per program, more than Python's own start (bench/serve.ts measures both designs).
 *
 * The loop runs as root with only SETUID and SETGID (a supervisor container: servePoolSandbox); the program runs as the sandbox user with
 * `timeout -s KILL`, so it can neither trace nor signal the loop nor read its pipes (the next request), its output goes to files (capped with
 * `ulimit -f`), never into the exec stream, and after it `kill -9 -1` ends everything it left; the loop then
 * clears /tmp and the program's directory so nothing a program plants reaches the next one. Each request
 * carries a random nonce the program never sees; the header without it is not accepted. Measurement is the
 * sandbox's own (the container's cgroup, read from the host), as in executeProgram.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import {
  interpreters,
  type MeasuredProgram,
  type ProgramRun,
  programFigures,
} from '../execute/execute-code.js';
import { CgroupMeasurement } from '../sandbox/cgroup-probe.js';
import { type DockerWorkspace, sandboxUid } from '../sandbox/docker-workspace.js';
import type { ExecOutcome } from '../sandbox/types.js';

/**
 * One request line `nonce bytes seconds interpreter file`, then exactly `bytes` bytes of code; one answer: the
 * line `nonce status stdoutBytes stderrBytes oomKills`, then the capped stdout and stderr.
 */
const loop = `
limit=$1
# Root only orchestrates: every file the program can reach, and the program itself, belong to the sandbox user,
# which cannot trace, signal or read the file descriptors of this loop (another uid, no capabilities).
user="setpriv --reuid=${sandboxUid} --regid=${sandboxUid} --clear-groups"
ulimit -f $(( (limit + 511) / 512 + 1 ))
clean() {
  $user sh -c 'kill -9 -1 2>/dev/null; rm -rf /work/* /work/.[!.]* /work/..?* /tmp/* /tmp/.[!.]* /tmp/..?* /dev/shm/* /dev/shm/.[!.]* 2>/dev/null; mkdir -p /work/program'
  rm -f /tmp/.afterburner-out /tmp/.afterburner-err
}
clean
while read -r nonce bytes seconds interpreter file; do
  cd /work/program || exit 1
  $user dd iflag=fullblock bs="$bytes" count=1 of="$file" 2>/dev/null
  $user timeout -s KILL "$seconds" "$interpreter" "$file" </dev/null >/tmp/.afterburner-out 2>/tmp/.afterburner-err
  status=$?
  $user sh -c 'kill -9 -1' 2>/dev/null
  oom=-
  [ "$status" = 137 ] && oom=$(sed -n 's/^oom_kill //p' /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events 2>/dev/null)
  printf '%s %s %s %s\\n' "$nonce" "$status" "$(wc -c </tmp/.afterburner-out) $(wc -c </tmp/.afterburner-err)" "$oom"
  head -q -c "$limit" /tmp/.afterburner-out /tmp/.afterburner-err
  cd / && clean
done
`;

/** Time the host waits past the in-container `timeout` before it gives the workspace up. */
const backstopGraceMs = 3_000;

export class ResidentRunner {
  private readonly buffer = new PassThrough();
  private pending = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;
  private oomKills = 0;

  private constructor(
    private readonly workspace: DockerWorkspace,
    private readonly stream: NodeJS.ReadWriteStream,
    private readonly outputLimit: number,
  ) {
    this.buffer.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  }

  static async start(workspace: DockerWorkspace, outputLimit: number): Promise<ResidentRunner> {
    const container = workspace.container;
    const exec = await container.exec({
      Cmd: ['sh', '-c', loop, 'runner', String(outputLimit)],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      // Root, with only SETUID and SETGID (a supervisor container, see servePoolSandbox), so that programs run as another user.
      User: '0:0',
      WorkingDir: '/work',
    });
    const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as NodeJS.ReadWriteStream;
    const runner = new ResidentRunner(workspace, stream, outputLimit);
    // The loop's own stderr is not part of any result.
    (container.modem as Docker['modem']).demuxStream(stream, runner.buffer, new PassThrough().resume());
    return runner;
  }

  /** Runs one program; throws when the loop is gone (the workspace must then be replaced). */
  async run(run: ProgramRun): Promise<MeasuredProgram> {
    if (this.ended) throw new Error('the resident runner has ended');
    const { command, file } = interpreters[run.language];
    const code = Buffer.from(run.code, 'utf8');
    // `dd` needs at least one byte; a newline does not change what an empty program does.
    const body = code.length > 0 ? code : Buffer.from('\n');
    const nonce = randomBytes(16).toString('hex');
    const seconds = (Math.max(1, run.timeoutMs) / 1000).toFixed(3);
    const cgroup = this.workspace.cgroup;
    const measurement = cgroup ? new CgroupMeasurement(cgroup) : undefined;
    const started = performance.now();
    this.stream.write(`${nonce} ${body.length} ${seconds} ${command} ${file}\n`);
    this.stream.write(body);
    const header = await this.readLine(run.timeoutMs + backstopGraceMs);
    const usage = measurement?.finish();
    const elapsedMs = performance.now() - started;
    const fields = header?.split(' ') ?? [];
    if (fields[0] !== nonce || fields.length < 4) {
      throw new Error(
        header === undefined ? 'the program did not end in time' : 'the runner answered out of turn',
      );
    }
    const [status, outBytes, errBytes, oomKills] = fields.slice(1).map(Number) as number[];
    const stdout = await this.readBytes(Math.min(outBytes ?? 0, this.outputLimit));
    const stderr = await this.readBytes(Math.min(errBytes ?? 0, this.outputLimit));
    // The loop reads the OOM-kill counter only after a SIGKILL (status 137); otherwise it sends `-`.
    const newOom = Number.isFinite(oomKills) && (oomKills as number) > this.oomKills;
    if (Number.isFinite(oomKills)) this.oomKills = oomKills as number;
    const truncated = (outBytes ?? 0) >= this.outputLimit || (errBytes ?? 0) >= this.outputLimit;
    const outcome = classify(status as number, elapsedMs, run.timeoutMs, newOom, truncated);
    return {
      outcome,
      returncode: status as number,
      stdout: stdout.toString('utf8'),
      stderr: stderr.toString('utf8'),
      ...programFigures(usage, elapsedMs),
    };
  }

  close(): void {
    this.ended = true;
    this.stream.end();
  }

  private async readLine(timeoutMs: number): Promise<string | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const newline = this.pending.indexOf(10);
      if (newline >= 0) {
        const line = this.pending.subarray(0, newline).toString('utf8');
        this.pending = this.pending.subarray(newline + 1);
        return line;
      }
      if (this.ended || !(await this.more(deadline - performance.now()))) return undefined;
    }
  }

  private async readBytes(count: number): Promise<Buffer> {
    while (this.pending.length < count) {
      if (this.ended || !(await this.more(10_000)))
        throw new Error('the runner ended in the middle of an answer');
    }
    const bytes = this.pending.subarray(0, count);
    this.pending = this.pending.subarray(count);
    return bytes;
  }

  /** Waits for more data; false on timeout. */
  private more(ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(true);
      };
    });
  }
}

function classify(
  status: number,
  elapsedMs: number,
  timeoutMs: number,
  newOom: boolean,
  truncated: boolean,
): ExecOutcome {
  if (status === 137 && newOom) return 'oom';
  // `timeout -s KILL` exits 137, like any SIGKILLed command; the elapsed time tells them apart.
  if (status === 137 && elapsedMs >= timeoutMs) return 'timeout';
  // SIGXFSZ (ulimit -f): the program wrote more than the output limit.
  if (truncated || status === 128 + 25) return 'output-limit';
  if (status === 0) return 'ok';
  if (status > 128 && status < 160) return 'crashed';
  return 'failed';
}

/**
 * What the pool's Docker sandbox needs: every core (workers run in parallel; pinning them to one would serialize
 * them), and a supervisor container, for the resident loop to start programs as the sandbox user. A program itself
 * has no capability: it runs under another uid, with no-new-privileges.
 */
export const servePoolSandbox = { cpuset: false, supervisor: true } as const;
