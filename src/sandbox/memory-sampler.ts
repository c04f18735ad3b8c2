export interface MemorySample {
  /** Milliseconds on the monotonic clock (performance.now()). */
  atMs: number;
  bytes: number;
}

const mib = 2 ** 20;

/**
 * ∫ memory dt by the trapezoid rule over the real time between samples, in MiB·ms. (Monolith's "integral"
 * sums samples without Δt, which makes it depend on the sampling rate and on timer jitter.)
 */
export function trapezoidMibMs(samples: readonly MemorySample[]): number {
  let integral = 0;
  for (let i = 1; i < samples.length; i++) {
    const previous = samples[i - 1] as MemorySample;
    const current = samples[i] as MemorySample;
    integral += ((previous.bytes + current.bytes) / 2 / mib) * (current.atMs - previous.atMs);
  }
  return integral;
}

/** Samples a memory reading every `intervalMs` while a command runs; readings that fail are skipped. */
export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly read: () => number | undefined,
    private readonly intervalMs = 10,
    private readonly onSample?: (bytes: number) => void,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Takes a last sample and stops; returns the sampled peak and the integral. */
  stop(): { peakBytes: number; integralMibMs: number; samples: number } {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return {
      peakBytes: this.samples.reduce((peak, s) => Math.max(peak, s.bytes), 0),
      integralMibMs: trapezoidMibMs(this.samples),
      samples: this.samples.length,
    };
  }

  private sample(): void {
    const bytes = this.read();
    if (bytes === undefined) return;
    this.samples.push({ atMs: performance.now(), bytes });
    this.onSample?.(bytes);
  }
}
