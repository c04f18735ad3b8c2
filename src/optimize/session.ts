import { cacheKey, ResultCache, type StatePaths } from '../cache/index.js';
import { defaults } from '../config/defaults.js';
import type { Target } from '../detect/types.js';
import type { Evaluator, TestEvidence } from '../harness/types.js';
import { createProvider, type ProviderName } from '../providers/create-provider.js';
import type { SamplingMode } from '../providers/openai-provider.js';
import { RulesProvider } from '../providers/rules/index.js';
import type { Provider } from '../providers/types.js';
import { type Budget, MeteredProvider, type TokenPrice, UsageMeter } from '../providers/usage-meter.js';
import { JsonlTrajectoryLog } from '../trajectory/index.js';
import { version } from '../version.js';
import { type ProjectDependencies, readProjectDependencies } from './dependencies.js';
import { optimizeTarget } from './loop.js';
import type { Attempt, OptimizeResult } from './loop-types.js';
import type { Instruction } from './metric.js';
import type { WorkloadEvaluator } from './workload-request.js';

/** `first`: the offline catalog is asked before the model (iteration 0); `only`: no model; `off`: model only. */
export type RulesMode = 'first' | 'only' | 'off';

// Bumped whenever the prompt or extraction changes what a model would be asked, so old cache entries miss.
const promptVersion = 3;

export interface OptimizeSettings {
  provider: ProviderName;
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  instruction?: Instruction;
  rules?: RulesMode;
  iterations: number;
  candidates: number;
  minSpeedup: number;
  budget?: Budget;
  price?: TokenPrice;
  /** Per request, in milliseconds. */
  requestTimeoutMs?: number;
  /** All model requests of one function together, in milliseconds; default `defaults.modelSecondsPerFunction`. */
  modelTimeMs?: number;
  concurrency?: number;
  sampling?: SamplingMode;
  maxPromptTokens?: number;
  /**
   * Root of the per-repository state (cache, trajectories), outside the repository under review; default
   * `$XDG_CACHE_HOME/afterburner` or `~/.cache/afterburner` (see cache/state-dir.ts).
   */
  stateDir?: string;
  /** `owner/name` of the repository, when known (the Action): what its state directory is keyed by. */
  repositoryId?: string;
  /** An explicit result cache directory (outside the repository), or false for none. */
  cacheDir?: string | false;
  /** An explicit trajectory log directory (outside the repository), or false for none. */
  trajectoryDir?: string | false;
}

export interface SessionTargetOptions {
  target: Target;
  evaluator: Evaluator;
  /** The head tree of the repository: where its declared dependencies are read. */
  projectDir: string;
  /** Hashes of the tests and recorded calls the verdict rests on; without them no cached verdict is used. */
  evidence?: TestEvidence;
  onAttempt?: (attempt: Attempt) => void;
  /** Set when inputs are scaled (`--scale`): a model is then also asked for an input generator (workload.ts). */
  workload?: WorkloadEvaluator;
}

/**
 * Everything one run's optimizations share: the provider (metered against the budget), the offline catalog as
 * iteration 0, the result cache and the trajectory log.
 */
export class OptimizeSession {
  readonly provider: Provider;
  readonly meter: UsageMeter;
  private readonly seedProvider?: Provider;
  private readonly cache?: ResultCache;
  private readonly trajectory?: JsonlTrajectoryLog;
  private readonly dependencies = new Map<string, Promise<ProjectDependencies>>();

  constructor(
    private readonly settings: OptimizeSettings & { repo: string; runId: string; state?: StatePaths },
  ) {
    const rules = settings.provider === 'rules' ? 'only' : (settings.rules ?? 'first');
    this.meter = new UsageMeter(settings.budget, settings.price);
    if (rules === 'only') {
      this.provider = new RulesProvider();
    } else {
      const model = createProvider({
        provider: settings.provider,
        model: settings.model,
        baseUrl: settings.baseUrl,
        apiKey: settings.apiKey,
        timeoutMs: settings.requestTimeoutMs,
        concurrency: settings.concurrency,
        sampling: settings.sampling,
      });
      this.provider = new MeteredProvider(model, this.meter);
      if (rules === 'first') this.seedProvider = new RulesProvider();
    }
    // Resolved by the caller (resolveStatePaths), which refuses any place inside the repository under review.
    if (settings.state?.cache) this.cache = new ResultCache(settings.state.cache);
    if (settings.state?.trajectories) {
      this.trajectory = new JsonlTrajectoryLog(settings.state.trajectories, settings.runId);
    }
  }

  /** Why no further model request may be sent (budget spent), or undefined. */
  get exhaustedReason(): string | undefined {
    return this.provider instanceof MeteredProvider ? this.meter.exhaustedReason : undefined;
  }

  get trajectoryFile(): string | undefined {
    return this.trajectory?.file;
  }

  /**
   * With the rule catalog as the only source, whether it has anything for this function is known without running
   * anything: the reason there is nothing to try, or undefined. A function no rule rewrites then costs no sandbox
   * time at all. With a model configured the answer is always undefined.
   */
  async nothingToPropose(target: Target): Promise<string | undefined> {
    if (!(this.provider instanceof RulesProvider)) return undefined;
    const reply = await this.provider.propose({
      target,
      currentSource: target.source,
      messages: [],
      count: 1,
      iteration: 1,
    });
    if (reply.answers.length > 0) return undefined;
    const none =
      'rules proposed no rewrite: no rule of the offline catalog applies, so nothing ran in the sandbox';
    const misses = await this.provider.nearMisses(target);
    return misses.length > 0 ? `${none}; near miss: ${misses.join('; ')}` : none;
  }

  async optimize(options: SessionTargetOptions): Promise<OptimizeResult> {
    const { settings } = this;
    const { target } = options;
    let dependencies = this.dependencies.get(options.projectDir);
    if (!dependencies) {
      dependencies = readProjectDependencies(options.projectDir);
      this.dependencies.set(options.projectDir, dependencies);
    }
    const { evidence } = options;
    const key =
      evidence &&
      cacheKey({
        target,
        evidence,
        config: {
          tool: version,
          promptVersion,
          instruction: settings.instruction ?? 'time',
          rules: this.seedProvider ? 'first' : this.provider.name === 'rules' ? 'only' : 'off',
          iterations: settings.iterations,
          candidates: settings.candidates,
          minSpeedup: settings.minSpeedup,
          maxPromptTokens: settings.maxPromptTokens,
          // Inputs scaled (and, with a model, generated) change what a verdict rests on.
          ...(options.workload ? { scaled: true } : {}),
        },
        provider: { name: this.provider.name, model: this.provider.model, baseUrl: settings.baseUrl },
      });
    return optimizeTarget({
      target,
      provider: this.provider,
      seedProvider: this.seedProvider,
      evaluator: options.evaluator,
      iterations: settings.iterations,
      candidates: settings.candidates,
      instruction: settings.instruction,
      dependencies: await dependencies,
      maxPromptTokens: settings.maxPromptTokens,
      nearMisses:
        this.seedProvider instanceof RulesProvider ? await this.seedProvider.nearMisses(target) : [],
      cache: this.cache && key && evidence ? { store: this.cache, key, evidence } : undefined,
      trajectory: this.trajectory && { sink: this.trajectory, runId: settings.runId },
      onAttempt: options.onAttempt,
      // The offline catalog writes no generators: rules-only runs use inputs grown from the recorded calls alone.
      workload: this.provider instanceof RulesProvider ? undefined : options.workload,
      modelTimeMs: settings.modelTimeMs ?? defaults.modelSecondsPerFunction * 1000,
    });
  }
}
