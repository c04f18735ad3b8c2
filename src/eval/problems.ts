/**
 * The problem set `afterburner eval` reads: JSON Lines, one problem per line, close to the Afterburner paper's Venus
 * set (a statement, starter code, test cases, and reference solutions of different efficiency). The format is
 * documented in docs/eval.md; `eval/problems.jsonl` is ours.
 */
import { z } from 'zod';
import { executableLanguages } from '../execute/execute-code.js';

const testCase = z
  .object({
    /** The arguments, as JSON. */
    args: z.array(z.unknown()).optional(),
    /** Or an expression in the problem's language that evaluates to the argument list (large inputs). */
    argsCode: z.string().min(1).optional(),
    /** The return value, as JSON; compared after a JSON round trip of the result. */
    expected: z.unknown(),
  })
  .strict()
  .refine((t) => (t.args === undefined) !== (t.argsCode === undefined), {
    message: 'a test case has either args or argsCode',
  })
  .refine((t) => t.expected !== undefined, { message: 'a test case needs expected' });

const reference = z
  .object({
    label: z.string().optional(),
    code: z.string().min(1),
    /** Measured elsewhere; when absent, eval measures the reference itself, in the same sandbox as the answers. */
    cpu_ms: z.number().nonnegative().optional(),
    peak_memory_kib: z.number().nonnegative().optional(),
    integral_kib_ms: z.number().nonnegative().optional(),
  })
  .strict();

export const problemSchema = z
  .object({
    id: z.string().regex(/^[\w.-]+$/, 'letters, digits, ".", "-" and "_" only'),
    language: z.enum(executableLanguages),
    title: z.string().optional(),
    statement: z.string().min(1),
    /** The function every solution defines at the top level. */
    entry: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'an identifier'),
    starter: z.string().optional(),
    tests: z.array(testCase).min(1),
    references: z.array(reference).min(1),
  })
  .strict();

export type Problem = z.infer<typeof problemSchema>;
export type TestCase = Problem['tests'][number];
export type Reference = Problem['references'][number];

export interface ProblemSet {
  problems: Problem[];
  /** Lines that are not a valid problem, each with its line number and why; the others are still evaluated. */
  errors: string[];
}

/** Parses a JSONL problem set; a bad line is reported and skipped, never fatal to the rest. */
export function parseProblems(text: string): ProblemSet {
  const problems: Problem[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      errors.push(`${where}: not JSON (${(error as Error).message})`);
      return;
    }
    const parsed = problemSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      errors.push(`${where}: ${issue?.path.join('.') || 'problem'}: ${issue?.message}`);
      return;
    }
    if (seen.has(parsed.data.id)) {
      errors.push(`${where}: id ${parsed.data.id} repeats an earlier problem's`);
      return;
    }
    seen.add(parsed.data.id);
    problems.push(parsed.data);
  });
  return { problems, errors };
}
