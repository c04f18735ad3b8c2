import type { Target } from '../../src/detect/types.js';
import type { Preparation } from '../../src/harness/index.js';
import type { Sandbox, Workspace } from '../../src/sandbox/types.js';

/**
 * For a target whose tests assert correctness only (what was recorded, the differential check, which stage
 * rejected): prepare() still ends with the A/A calibration and evaluate() may time a correct candidate, and nothing
 * they assert depends on those numbers, so both run their fewest rounds.
 */
export const fewestRounds = { rounds: 5, maxRounds: 5, warmupRounds: 1 } as const;

interface Preparable {
  prepare(): Promise<Preparation>;
}

/**
 * One warm workspace and prepared harness per target, reused for all its candidates, as the pipeline does.
 * `context` is read lazily because the sandbox and targets exist only after the suite's beforeAll.
 */
export function preparedHarnesses<H extends Preparable>(
  context: () => { sandbox: Sandbox; sourceDir: string; targets: Target[] },
  make: (target: Target, workspace: Workspace) => Promise<H>,
) {
  const prepared = new Map<string, Promise<{ harness: H; preparation: Preparation }>>();
  const workspaces: Workspace[] = [];
  return {
    prepare(name: string): Promise<{ harness: H; preparation: Preparation }> {
      let entry = prepared.get(name);
      if (!entry) {
        entry = (async () => {
          const { sandbox, sourceDir, targets } = context();
          const target = targets.find((t) => t.name === name);
          if (!target) throw new Error(`no target ${name} among ${targets.map((t) => t.name).join(', ')}`);
          const workspace = await sandbox.open({ sourceDir });
          workspaces.push(workspace);
          const harness = await make(target, workspace);
          return { harness, preparation: await harness.prepare() };
        })();
        prepared.set(name, entry);
      }
      return entry;
    },
    async dispose(): Promise<void> {
      await Promise.all(workspaces.map((w) => w.dispose()));
    },
  };
}
