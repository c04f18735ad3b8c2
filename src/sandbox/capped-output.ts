import { Writable } from 'node:stream';

/** Collects a stream's bytes up to a limit; calls `onOverflow` once when more arrive. */
export class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(
    private readonly limitBytes: number,
    private readonly onOverflow: () => void = () => {},
  ) {}

  push(chunk: Buffer): void {
    const room = this.limitBytes - this.size;
    if (chunk.length > room) {
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.size = this.limitBytes;
      if (!this.truncated) {
        this.truncated = true;
        this.onOverflow();
      }
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** A sink for `demuxStream` and friends; never applies back-pressure, excess bytes are dropped. */
  writable(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.push(chunk);
        callback();
      },
    });
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
