import { resolve } from 'node:path';
import { materializeFixture } from '../demo/materialize-fixture.js';
import { type CommandIO, reviewCommand } from './review-command.js';

export const demoFixture = 'tagged-posts';

export interface DemoOptions {
  out: string;
  json: string;
  sandbox?: string;
  rounds?: string;
}

/** `afterburner demo`: the review job on the bundled example, with the embedded defaults. */
export async function demoCommand(options: DemoOptions, io: CommandIO): Promise<number> {
  const fixture = await materializeFixture(demoFixture);
  io.progress.notice(
    `Demo: reviewing the bundled example ${demoFixture} (a pull request that adds src/posts.js)`,
  );
  try {
    const report = await reviewCommand(
      {
        repo: fixture.dir,
        base: fixture.base,
        head: fixture.head,
        out: resolve(io.cwd, options.out),
        json: resolve(io.cwd, options.json),
        settings: new Map(
          Object.entries({ sandbox: options.sandbox, rounds: options.rounds }).filter(
            ([, value]) => value !== undefined,
          ),
        ),
      },
      io,
    );
    io.stdout(
      `\n${report.suggestions.length} verified suggestion(s); sandbox: ${report.sandbox.description}\n` +
        `Report: ${resolve(io.cwd, options.out)}\nJSON:   ${resolve(io.cwd, options.json)}\n`,
    );
    return report.suggestions.length;
  } finally {
    await fixture.dispose();
  }
}
