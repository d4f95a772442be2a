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

describe('the code of the README and the guides', () => {
  it('is found', () => {
    expect(blocks.length).toBeGreaterThan(25);
  });

  it.concurrent.each(runnable.map((block) => [`${block.guide} #${block.index + 1}`, block] as const))('runs: %s', async (_, block) => {
    const dir = join(work, block.guide.replace(/[/.]/g, '-'));
    writeFileSync(join(dir, `block-${block.index}.ts`), block.code);
    writeFileSync(join(dir, `run-${block.index}.mjs`), `await import('./block-${block.index}.ts');\nprocess.exit(0);\n`);
    const result = await run(process.execPath, ['--import', 'tsx', `run-${block.index}.mjs`], {
      cwd: dir,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json'), NO_COLOR: '1', ...(database ? { DATABASE_URL: database } : {}) },
      timeout: 60_000,
    }).catch((error: { code?: number; stderr?: string }) => error);
    expect('code' in result && result.code !== 0 ? `exit ${result.code}: ${result.stderr}` : '').toBe('');
  }, 70_000);
});
