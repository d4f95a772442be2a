import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every ```ts block of the README and the guides in docs/ runs, as an app would run it: its own
// module, importing the package by name (through tsconfig's paths), in a folder that holds the
// files the guide shows (a block marked `<!-- file: name -->` is written there as `name`). A
// block may leave a live incident's timers running; the runner exits once the block is done.
// Blocks that connect to PostgreSQL through DATABASE_URL run when it is set (always on CI),
// against a database made for the run and dropped after it. (The type-check of the same
// blocks is in docExamples.test.ts.)

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the repository but outside node_modules, so that tsx maps `crisis-playbook` through tsconfig's paths.
const work = join(root, '.guides');
const run = promisify(execFile);

interface Block {
  readonly guide: string;
  readonly index: number;
  readonly code: string;
}

const guides = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const blocks: Block[] = guides.flatMap((guide) => {
  const text = readFileSync(join(root, guide), 'utf8');
  const dir = join(work, guide.replace(/[/.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  for (const [, name, content] of text.matchAll(/<!-- file: ([\w.-]+) -->\n```\w*\n([\s\S]*?)```/g)) writeFileSync(join(dir, name!), content!);
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match, index) => ({ guide, index, code: match[1]! }));
});

const server = process.env['DATABASE_URL'] || undefined;
const needsServer = (block: Block) => block.code.includes('process.env.DATABASE_URL');
const runnable = blocks.filter((block) => server !== undefined || !needsServer(block));
if (runnable.length < blocks.length) {
  console.log(`guides: ${blocks.length - runnable.length} block(s) that connect to PostgreSQL not run: DATABASE_URL is not set (CI sets it).`);
}
let database: string | undefined;

beforeAll(async () => {
  if (server === undefined) return;
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const name = `guides_${process.pid}_${Date.now()}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  database = url.toString();
});

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  if (server === undefined || database === undefined) return;
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${new URL(database).pathname.slice(1)}" WITH (FORCE)`);
  await admin.end();
});

// One process per guide (starting tsx costs about a second, and the guides hold 40-odd blocks):
// its blocks run one after the other, each its own module, and the runner writes each block's
// outcome to a file before the next starts. A block's test reads its own outcome, so a failure
// still names its block; an error thrown later by a timer a block left behind fails the block
// that is running when it is thrown (its stack names where it came from).
interface Outcome {
  readonly index: number;
  readonly error?: string;
}

const runs = new Map<string, Promise<{ readonly outcomes: Map<number, Outcome>; readonly exit: string }>>();

function runGuide(guide: string): Promise<{ readonly outcomes: Map<number, Outcome>; readonly exit: string }> {
  let pending = runs.get(guide);
  if (pending !== undefined) return pending;
  const dir = join(work, guide.replace(/[/.]/g, '-'));
  const mine = runnable.filter((block) => block.guide === guide);
  for (const block of mine) writeFileSync(join(dir, `block-${block.index}.ts`), block.code);
  writeFileSync(
    join(dir, 'run.mjs'),
    [
      `import { appendFileSync } from 'node:fs';`,
      `const indexes = ${JSON.stringify(mine.map((block) => block.index))};`,
      `let current = indexes[0];`,
      `const record = (index, error) => appendFileSync('outcomes.jsonl', JSON.stringify(error === undefined ? { index } : { index, error: String(error && error.stack || error) }) + '\\n');`,
      `process.on('uncaughtException', (error) => { record(current, error); process.exit(1); });`,
      `process.on('unhandledRejection', (error) => { record(current, error); process.exit(1); });`,
      `for (const index of indexes) {`,
      `  current = index;`,
      `  try { await import(\`./block-\${index}.ts\`); record(index); } catch (error) { record(index, error); }`,
      `}`,
      `process.exit(0);`,
    ].join('\n'),
  );
  rmSync(join(dir, 'outcomes.jsonl'), { force: true });
  pending = run(process.execPath, ['--import', 'tsx', 'run.mjs'], {
    cwd: dir,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json'), NO_COLOR: '1', ...(database ? { DATABASE_URL: database } : {}) },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  })
    .then(() => '', (error: { code?: number; signal?: string; stderr?: string }) => `exit ${error.code ?? error.signal}: ${error.stderr ?? ''}`)
    .then((exit) => {
      let lines: string[] = [];
      try {
        lines = readFileSync(join(dir, 'outcomes.jsonl'), 'utf8').split('\n').filter(Boolean);
      } catch {
        // No block finished: the exit says why.
      }
      const outcomes = new Map<number, Outcome>();
      for (const line of lines) {
        const outcome = JSON.parse(line) as Outcome;
        // An error (a failed block, or one thrown later by a timer it left behind) wins over success.
        if (!outcomes.has(outcome.index) || outcome.error !== undefined) outcomes.set(outcome.index, outcome);
      }
      return { outcomes, exit };
    });
  runs.set(guide, pending);
  return pending;
}

describe('the code of the README and the guides', () => {
  it('is found', () => {
    expect(blocks.length).toBeGreaterThan(25);
  });

  it.concurrent.each(runnable.map((block) => [`${block.guide} #${block.index + 1}`, block] as const))('runs: %s', async (_, block) => {
    const { outcomes, exit } = await runGuide(block.guide);
    const outcome = outcomes.get(block.index);
    // A block that never recorded an outcome was cut short: by the process's exit (which says why).
    expect(outcome === undefined ? `no outcome; ${exit || 'the runner exited early'}` : (outcome.error ?? '')).toBe('');
  }, 130_000);
});
