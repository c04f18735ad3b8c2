export interface ExitHook {
  /** Runs when the process is about to exit on its own, or is interrupted (SIGINT, SIGTERM). */
  cleanup: () => Promise<unknown>;
  /** Runs in the 'exit' event, which cannot wait for I/O, for whatever `cleanup` did not get to. */
  cleanupSync?: () => void;
}

const hooks = new Set<ExitHook>();
let registered = false;

/**
 * Runs `hook` when the process exits or is interrupted, unless removed first (call the returned function).
 * One set of handlers for every hook, so that the signal is re-raised only after all of them have finished.
 */
export function onProcessExit(hook: ExitHook): () => void {
  hooks.add(hook);
  register();
  return () => hooks.delete(hook);
}

function register(): void {
  if (registered) return;
  registered = true;
  process.once('beforeExit', () => void runAll());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // Re-raise for the default exit only when nobody else handles the signal.
      void runAll().finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    });
  }
  process.once('exit', () => {
    for (const hook of hooks) {
      try {
        hook.cleanupSync?.();
      } catch {
        // Exiting anyway; the next run's reaper gets what is left.
      }
    }
    hooks.clear();
  });
}

async function runAll(): Promise<void> {
  const running = [...hooks];
  await Promise.allSettled(
    running.map(async (hook) => {
      await hook.cleanup();
      hooks.delete(hook);
    }),
  );
}
