import type { Node } from 'web-tree-sitter';
import type { GrammarName } from '../detect/tree-sitter.js';
import type { Language } from '../detect/types.js';
import type { ReplayHarness } from '../harness/replay-harness.js';
import type { ReplayHarnessOptions, TestPlan } from '../harness/replay-options.js';
import type { ProjectDependencies } from '../optimize/dependencies.js';
import type { Rule, RuleFamily } from '../providers/rules/rule.js';

/** How prompts, answers and parsers treat one language. */
export interface LanguageInfo {
  /** How prompts and messages name the language. */
  label: string;
  /** The fence tag prompts ask for. */
  fenceTag: string;
  /** Fence tags accepted in answers ('' is an untagged fence). */
  fenceTags: ReadonlySet<string>;
  grammar: GrammarName;
  /** What a candidate may import without it counting as a new dependency. */
  standardLibrary: string;
}

/** What a class member's lines are parsed inside, when they do not parse alone. */
export type MemberHolder = 'class' | 'object';

/** What an import of a candidate's context binds a name to, as the capability scans read it. */
export type Bindings = Map<string, unknown>;

/**
 * Everything afterburner knows about one family of languages that share a runtime (JavaScript, TypeScript and TSX
 * run on Node; Python on CPython): the one place the pipeline asks instead of branching on a language name.
 */
export interface LanguagePlugin {
  family: RuleFamily;
  languages: readonly Language[];
  info: Readonly<Partial<Record<Language, LanguageInfo>>>;
  /** The offline rule catalog's rules for these languages. */
  rules: readonly Rule[];
  /** The harness that tests, records, replays and times one target in the sandbox. */
  createHarness(
    options: ReplayHarnessOptions,
    context: { headDir: string; testCommand?: string },
  ): Promise<ReplayHarness<TestPlan>>;
  /** What the sandbox image runs and where a user sets it, for messages about a missing image. */
  image: {
    use: string;
    cliSetting: string;
    actionSetting: string;
    /** The sandbox setting that names the family's image, under `images`' per-language entries. */
    setting: 'image' | 'pythonImage';
  };
  /** Which of the project's declared dependencies a candidate may import. */
  dependencyKey: 'node' | 'python';
  /** A candidate's import lines (extract.ts, dependencies.ts). */
  imports: {
    /** Module specifiers an import statement names. */
    modules(statement: string): string[];
    /** The package `specifier` needs when it is neither standard library, project code nor declared. */
    newDependency(specifier: string, dependencies: ProjectDependencies): string | undefined;
    /** Whether a top-level statement other than an import statement imports too (`const x = require('y')`). */
    importsToo(node: Node): boolean;
  };
  /** Whether the head tree's installed packages matter (node_modules borrowed from the work tree). */
  usesInstalledPackages: boolean;
  /** What a member's lines may parse inside, tried in order (none: they parse as they are, see wrapForParsing). */
  memberHolders: readonly MemberHolder[];
  /** A function's or member's lines as they parse, and how many lines the wrapping added above them. */
  wrapForParsing(source: string, holder: MemberHolder | undefined): { text: string; lineOffset: number };
  /** The capability scans (capabilities.ts): what imports bind, and what a function's code reaches. */
  bindings(root: Node): Bindings;
  capabilities(root: Node, bindings: Bindings): Set<string>;
  /** The model's input generator (workload-request.ts): how it is written and what it returns. */
  generator: {
    language: 'javascript' | 'python';
    label: string;
    signature: string;
    returns: string;
    plain: string;
    /**
     * What the generator's code names beyond computing (modules, the process, code loading), over what the
     * capability scan finds: a generator is held stricter than a candidate.
     */
    reach(code: string): string[];
  };
}
