import type Docker from 'dockerode';

/** One line of `docker pull` progress: a layer's status and, while downloading, its bytes. */
export interface PullProgress {
  image: string;
  status: string;
  layer?: string;
  currentBytes?: number;
  totalBytes?: number;
}

export interface EnsureImageOptions {
  docker: Docker;
  image: string;
  pullTimeoutMs: number;
  onPullProgress?: (progress: PullProgress) => void;
}

/** Makes sure the image is present, pulling it (with progress) when absent; throws a one-line Error. */
export async function ensureImage(options: EnsureImageOptions): Promise<void> {
  const { docker, image } = options;
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) {
      throw new Error(`cannot inspect image ${image}: ${describeDockerError(error)}`);
    }
  }
  try {
    await withTimeout(options.pullTimeoutMs, (signal) => pull(options, signal));
  } catch (error) {
    throw new Error(`image ${image} is not present and cannot be pulled: ${describeDockerError(error)}`);
  }
}

interface PullEvent {
  status?: string;
  id?: string;
  error?: string;
  progressDetail?: { current?: number; total?: number };
}

async function pull({ docker, image, onPullProgress }: EnsureImageOptions, abortSignal: AbortSignal) {
  const stream = await docker.pull(image, { abortSignal });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: PullEvent[]) => {
        const failed = error ?? events.find((e) => e.error);
        if (failed) reject(failed instanceof Error ? failed : new Error(failed.error));
        else resolve();
      },
      (event: PullEvent) => {
        if (!onPullProgress || !event.status) return;
        onPullProgress({
          image,
          status: event.status,
          ...(event.id ? { layer: event.id } : {}),
          ...(event.progressDetail?.current !== undefined
            ? { currentBytes: event.progressDetail.current }
            : {}),
          ...(event.progressDetail?.total !== undefined ? { totalBytes: event.progressDetail.total } : {}),
        });
      },
    );
  });
}

export async function withTimeout<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function describeDockerError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // dockerode prefixes daemon errors with `(HTTP code 500) server error - `.
  const line = message.split('\n')[0]?.replace(/^\(HTTP code \d+\)[^-]*- /, '');
  return line?.trim() || 'unknown error';
}
