// Consumer tests, run after `npm run build` (`npm run test:consumers`): packs the package with
// `npm pack`, installs the tarball with xstate and zod into three throwaway apps in a temp
// directory (ESM TypeScript with NodeNext resolution, TypeScript with Bundler resolution run
// through tsx, plain CommonJS), type-checks them under `strict` against the installed types and
// runs each on Node 20, 22 and 24. Every app replays the reference case through the default
// playbook (outcome `resolved`) and builds, compiles and runs a custom playbook. When the
// package declares commands (`bin`), each runs with `--help` on every Node, and the package's
// own command replays the reference case. A fourth app imports `crisis-playbook/postgres` with
// PGlite, from its ESM and its CommonJS build, and checks that both share the main entry's classes.
//
// Environment: CONSUMER_NODES=20,22 picks the Node majors; CONSUMER_PEERS=lowest installs the
// lowest xstate and zod the peer ranges allow, CONSUMER_PEERS="xstate@5.30.0 zod@4.1.0" chosen
// versions (default: the peer ranges); CONSUMER_KEEP=1 keeps the temp directory (it is always
// kept on failure). Node binaries other than the running one come from the npm packages
// node-<platform>-<arch>@<major>, installed once into node_modules/.cache/consumer-nodes/.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { referenceCase } from '../examples/reference-case/events.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  bin?: string | Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const majors = (process.env['CONSUMER_NODES'] ?? '20,22,24').split(',').map((major) => major.trim()).filter(Boolean);
const peerChoice = (process.env['CONSUMER_PEERS'] ?? '').split(/[\s,]+/).filter(Boolean);
const keepWork = process.env['CONSUMER_KEEP'] === '1';
const nodesCache = join(root, 'node_modules', '.cache', 'consumer-nodes');
const npmFlags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
const started = Date.now();

// ---------------------------------------------------------------------------------------------
// Processes

interface RunResult {
  readonly ok: boolean;
  readonly code: number | null;
  readonly stdout: string;
  /** stdout and stderr, interleaved. */
  readonly output: string;
  readonly seconds: number;
}

/** The environment for child processes, without what `npm run` sets for this package. */
function childEnv(nodeBinary?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const fromNpmRun = /^npm_(package_|lifecycle_|command$|execpath$|node_execpath$|config_local_prefix$)/.test(key) || key === 'INIT_CWD';
    if (!fromNpmRun) env[key] = value;
  }
  // Any `node` started by the app (tsx, npm) is the one under test.
  if (nodeBinary) env['PATH'] = `${dirname(nodeBinary)}${delimiter}${env['PATH'] ?? ''}`;
  return env;
}

function run(command: string, args: string[], options: { cwd: string; node?: string; timeoutSeconds?: number }): Promise<RunResult> {
  const begin = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: childEnv(options.node), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      output += `\n[timed out after ${options.timeoutSeconds ?? 180}s]`;
      child.kill('SIGKILL');
    }, (options.timeoutSeconds ?? 180) * 1000);
    const done = (code: number | null, error?: Error) => {
      clearTimeout(timer);
      if (error) output += `\n[${command} could not start: ${error.message}]`;
      resolve({ ok: code === 0, code, stdout, output, seconds: (Date.now() - begin) / 1000 });
    };
    child.on('error', (error) => done(null, error));
    child.on('close', (code) => done(code));
  });
}

const seconds = (value: number) => `${value.toFixed(1)}s`;
const tail = (text: string, lines = 40) => text.trimEnd().split('\n').slice(-lines).join('\n');

// ---------------------------------------------------------------------------------------------
// Node binaries

interface NodeBinary {
  readonly major: string;
  readonly path?: string;
  readonly version?: string;
  readonly error?: string;
}

async function nodeVersion(binary: string): Promise<string | undefined> {
  if (!existsSync(binary)) return undefined;
  const result = await run(binary, ['--version'], { cwd: root, timeoutSeconds: 30 });
  return result.ok ? result.stdout.trim() : undefined;
}

/** The running node for its own major, otherwise node-<platform>-<arch>@<major> from npm, cached. */
async function nodeBinary(major: string): Promise<NodeBinary> {
  if (process.versions.node.split('.')[0] === major) return { major, path: process.execPath, version: process.version };
  if (process.platform === 'win32') return { major, error: 'Node binaries from npm are only wired up for Linux and macOS' };
  const name = `node-${process.platform}-${process.arch}`;
  const dir = join(nodesCache, major);
  const binary = join(dir, 'node_modules', name, 'bin', 'node');
  const cached = await nodeVersion(binary);
  if (cached?.startsWith(`v${major}.`)) return { major, path: binary, version: cached };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ private: true, description: 'Node binaries for npm run test:consumers' })}\n`);
  const install = await run('npm', ['install', ...npmFlags, '--prefix', dir, `${name}@${major}`], { cwd: dir });
  const version = await nodeVersion(binary);
  if (!install.ok || !version?.startsWith(`v${major}.`)) {
    return { major, error: `npm install ${name}@${major} failed (exit ${install.code}):\n${tail(install.output)}` };
  }
  return { major, path: binary, version };
}

// ---------------------------------------------------------------------------------------------
// The apps

interface App {
  readonly name: string;
  readonly description: string;
  readonly files: Record<string, string>;
  readonly dependencies: string[];
  /** The command that runs the app, after the node binary. */
  readonly start: string[];
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const lowest = (range: string) => range.replace(/^[\^~>=\s]+/, '').split(/\s/)[0]!;
/** The spec of a peer to install: CONSUMER_PEERS=lowest, or e.g. CONSUMER_PEERS=zod@4.1.0, or the peer range. */
function peer(name: string): string {
  const chosen = peerChoice.find((spec) => spec.startsWith(`${name}@`));
  if (chosen) return chosen;
  return `${name}@${peerChoice.includes('lowest') ? lowest(pkg.peerDependencies[name]!) : pkg.peerDependencies[name]!}`;
}
const tsDependencies = [`typescript@${pkg.devDependencies['typescript']}`, `@types/node@${pkg.devDependencies['@types/node']}`];

/** The reference case, copied verbatim: it imports its `CrisisEvent` type from the package. */
const eventsTs = readFileSync(join(root, 'examples', 'reference-case', 'events.ts'), 'utf8');

/** The same list for the CommonJS app, typed through JSDoc. */
const eventsCjs = `// @ts-check
// The reference case, copied from examples/reference-case/events.ts.
'use strict';

/** @type {import('crisis-playbook').CrisisEvent[]} */
const referenceCase = ${JSON.stringify(referenceCase, null, 2)};

module.exports = { referenceCase };
`;

/** The entry of the TypeScript apps; `ext` is the extension of relative imports. */
const mainTs = (app: string, ext: string) => `import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createActor } from 'xstate';
import { crisisMachine, type CrisisRung, currentRung, type IncidentOutput } from 'crisis-playbook';
import { createIncidentRuntime, decide, openIncident, type StoredIncident } from 'crisis-playbook/server';
import { toMermaid } from 'crisis-playbook/visualize';
import { defaultPlaybookFr } from 'crisis-playbook/fr';
import { recommend } from 'crisis-playbook';
import { runCustomPlaybook } from './custom${ext}';
import { referenceCase } from './events${ext}';

const loaded = import.meta.resolve('crisis-playbook');
console.log(\`${app} on node \${process.version}: crisis-playbook from \${loaded.slice(loaded.lastIndexOf('/crisis-playbook/') + 1)}\`);
if (!loaded.endsWith('/node_modules/crisis-playbook/dist/index.js')) throw new Error(\`expected the ESM build, got \${loaded}\`);

const actor = createActor(crisisMachine).start();
for (const event of referenceCase) actor.send(event);
const snapshot = actor.getSnapshot();
actor.stop();
const rung: CrisisRung = currentRung(snapshot);
const output: IncidentOutput | undefined = snapshot.output;
console.log('final output:', JSON.stringify(output));
if (snapshot.status !== 'done' || rung !== 'resolved' || output?.outcome !== 'resolved') {
  throw new Error(\`expected outcome 'resolved', got status \${snapshot.status}, rung \${rung}, output \${JSON.stringify(output)}\`);
}

console.log(\`custom playbook: \${runCustomPlaybook()}\`);

// The other entries: the server runtime takes the main entry's machine, and diagrams draw it.
let stored: StoredIncident = openIncident({ now: Date.parse('2026-04-06T19:00:00Z') }).incident;
referenceCase.forEach(({ at: _, ...event }, index) => {
  stored = decide(stored, event, { now: Date.parse('2026-04-06T19:00:00Z') + (index + 1) * 60_000 }).incident;
});
const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
if (runtime.parse(stored).snapshot.status !== 'done' || !toMermaid(crisisMachine).startsWith('stateDiagram-v2')) {
  throw new Error('the server and visualize entries do not work with the main entry');
}
console.log('entries: server decided the reference case to', stored.snapshot.value, '; visualize drew the diagram');
const french = recommend(createActor(crisisMachine).start().getSnapshot(), { locale: 'fr', translations: defaultPlaybookFr })[0]?.title;
if (french !== 'Ne répondez pas encore en public') throw new Error(\`the fr entry: expected French advice, got \${french}\`);
console.log('entries: fr gave', french);
// The JSON Schema is exported, and the path the docs give for "$schema" exists.
const schema = fileURLToPath(import.meta.resolve('crisis-playbook/playbook.schema.json'));
if (!existsSync(schema) || !existsSync('node_modules/crisis-playbook/schema/playbook.schema.json')) throw new Error('the JSON Schema is not where the docs say');
console.log('CONSUMER-OK');
`;

/** A custom playbook built, compiled and run against the installed types. */
const customTs = `import { createActor } from 'xstate';
import { currentRung, defaultPlaybook, type EventOf, type RungOf } from 'crisis-playbook';
import { compilePlaybook, extendPlaybook } from 'crisis-playbook/authoring';
import type { DeadlineWorker, PostgresIncidentStore } from 'crisis-playbook/postgres';

/** The subpath's declarations are checked here too, with the main entry's. */
export type PostgresTypes = [PostgresIncidentStore, DeadlineWorker];

export const legalPlaybook = extendPlaybook(defaultPlaybook)
  .rename({ id: 'consumer-legal', version: '1.0.0' })
  .addEvents({ 'legal.cleared': {} })
  .addGuards({
    isLegalThreat: { description: 'Legal action was threatened.', condition: { path: 'event.kind', equals: 'legal-action' } },
  })
  .addRung({
    id: 'legalReview',
    title: 'Legal review',
    description: 'Pause replies until legal has reviewed the case.',
    advice: [{ title: 'Pause and ask legal', detail: 'No replies until legal has reviewed.', priority: 5 }],
    on: [{ event: 'legal.cleared', target: 'phoneCall' }],
  })
  .addTransitions('everyRung', [{ event: 'threat.reported', target: 'legalReview', guard: 'isLegalThreat' }])
  .build();

type IsAny<T> = 0 extends 1 & T ? true : false;
type LegalRung = RungOf<typeof legalPlaybook>;
type LegalEvent = EventOf<typeof legalPlaybook>;
/** Does not compile if the package's types degrade to any. */
export const typesArePresent: [IsAny<LegalRung>, IsAny<LegalEvent>, IsAny<typeof legalPlaybook>] = [false, false, false];
export const addedRung: LegalRung = 'legalReview';
// @ts-expect-error not a rung of this playbook
export const misspelledRung: LegalRung = 'legalReveiw';

export function runCustomPlaybook(): string {
  const actor = createActor(compilePlaybook(legalPlaybook)).start();
  actor.send({ type: 'threat.reported', kind: 'legal-action' });
  const reviewing: LegalRung = currentRung(actor.getSnapshot());
  // @ts-expect-error misspelled event type
  actor.send({ type: 'legal.claered' });
  // @ts-expect-error 'hug' is not a kind of threat
  actor.send({ type: 'threat.reported', kind: 'hug' });
  const stillReviewing = currentRung(actor.getSnapshot());
  actor.send({ type: 'legal.cleared' });
  const after = currentRung(actor.getSnapshot());
  actor.stop();
  if (reviewing !== 'legalReview' || stillReviewing !== 'legalReview' || after !== 'phoneCall') {
    throw new Error(\`custom playbook: expected legalReview, legalReview, phoneCall, got \${reviewing}, \${stillReviewing}, \${after}\`);
  }
  return \`threat.reported → \${reviewing}, legal.cleared → \${after}\`;
}
`;

const mainCjs = `// @ts-check
'use strict';
const { createActor } = require('xstate');
const { crisisMachine, currentRung, defaultPlaybook } = require('crisis-playbook');
const { compilePlaybook, extendPlaybook } = require('crisis-playbook/authoring');
const { createIncidentRuntime, openIncident } = require('crisis-playbook/server');
const { toMermaid } = require('crisis-playbook/visualize');
const { defaultPlaybookFr } = require('crisis-playbook/fr');
const { referenceCase } = require('./events.js');

const loaded = require.resolve('crisis-playbook');
console.log(\`cjs on node \${process.version}: crisis-playbook from \${loaded.slice(loaded.lastIndexOf('/crisis-playbook/') + 1)}\`);
if (!loaded.endsWith('/node_modules/crisis-playbook/dist/index.cjs')) throw new Error(\`expected the CommonJS build, got \${loaded}\`);

const actor = createActor(crisisMachine).start();
for (const event of referenceCase) actor.send(event);
const snapshot = actor.getSnapshot();
actor.stop();
console.log('final output:', JSON.stringify(snapshot.output));
if (snapshot.status !== 'done' || snapshot.output?.outcome !== 'resolved') {
  throw new Error(\`expected outcome 'resolved', got status \${snapshot.status}, output \${JSON.stringify(snapshot.output)}\`);
}

const legalPlaybook = extendPlaybook(defaultPlaybook)
  .addEvents({ 'legal.cleared': {} })
  .addGuards({
    isLegalThreat: { description: 'Legal action was threatened.', condition: { path: 'event.kind', equals: 'legal-action' } },
  })
  .addRung({
    id: 'legalReview',
    title: 'Legal review',
    description: 'Pause replies until legal has reviewed the case.',
    advice: [{ title: 'Pause and ask legal', detail: 'No replies until legal has reviewed.', priority: 5 }],
    on: [{ event: 'legal.cleared', target: 'phoneCall' }],
  })
  .addTransitions('everyRung', [{ event: 'threat.reported', target: 'legalReview', guard: 'isLegalThreat' }])
  .build();
const legal = createActor(compilePlaybook(legalPlaybook)).start();
legal.send({ type: 'threat.reported', kind: 'legal-action' });
const reviewing = currentRung(legal.getSnapshot());
// @ts-expect-error misspelled event type
legal.send({ type: 'legal.claered' });
legal.send({ type: 'legal.cleared' });
const after = currentRung(legal.getSnapshot());
legal.stop();
if (reviewing !== 'legalReview' || after !== 'phoneCall') throw new Error(\`custom playbook: expected legalReview then phoneCall, got \${reviewing}, \${after}\`);
console.log(\`custom playbook: threat.reported → \${reviewing}, legal.cleared → \${after}\`);

const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
const opened = runtime.parse(openIncident({ now: Date.parse('2026-04-06T19:00:00Z') }).incident);
if (opened.snapshot.status !== 'active' || !toMermaid(crisisMachine).startsWith('stateDiagram-v2')) {
  throw new Error('the server and visualize entries do not work with the main entry');
}
console.log('entries: server and visualize work with the main entry');
if (typeof defaultPlaybookFr['Call and listen'] !== 'string') throw new Error('the fr entry does not load with require');
console.log('CONSUMER-OK');
`;

/** The app of `crisis-playbook/postgres`: a store and a deadline worker on PGlite, ESM and CJS. */
const postgresTs = `import { createRequire } from 'node:module';
import { PGlite } from '@electric-sql/pglite';
import { crisisMachine, IncidentError } from 'crisis-playbook';
import { createIncidentRuntime, decide, openIncident, type StoredIncident } from 'crisis-playbook/server';
import { createDeadlineWorker, createPostgresIncidentStore, PostgresStoreError, type AppliedDeadlines } from 'crisis-playbook/postgres';

const loaded = import.meta.resolve('crisis-playbook/postgres');
console.log(\`esm-postgres on node \${process.version}: crisis-playbook/postgres from \${loaded.slice(loaded.lastIndexOf('/crisis-playbook/') + 1)}\`);
if (!loaded.endsWith('/node_modules/crisis-playbook/dist/postgres.js')) throw new Error(\`expected the ESM build, got \${loaded}\`);

const db = await PGlite.create();
const store = createPostgresIncidentStore({ client: db });
const missing = await store.load('inc-1').catch((error: unknown) => error);
if (!(missing instanceof PostgresStoreError) || missing.code !== 'missing_table') throw new Error(\`expected missing_table, got \${String(missing)}\`);
await store.migrate();

const now = Date.parse('2026-04-06T19:00:00Z');
const waiting: StoredIncident = decide(openIncident({ now }).incident, { type: 'assessment.complete' }, { now }).incident;
await store.create('inc-1', waiting);
const taken = await store.create('inc-1', waiting).catch((error: unknown) => error);
// The subpath uses the main entry's classes: one IncidentError.
if (!(taken instanceof IncidentError) || taken.code !== 'already_exists') throw new Error(\`expected an IncidentError already_exists, got \${String(taken)}\`);

const worker = createDeadlineWorker({ store, runtime: createIncidentRuntime({ playbooks: [crisisMachine] }), now: () => now + 25 * 3_600_000 });
const { applied } = await worker.sweep();
const first: AppliedDeadlines | undefined = applied[0];
if (first?.decision.rung !== 'monitoring' || first.version !== 2) throw new Error(\`expected the reply window applied, got \${JSON.stringify(first)}\`);
console.log(\`postgres: deadline applied, \${first.id} on \${first.decision.rung} at version \${first.version}\`);

// The CommonJS build, through require, shares the CommonJS main entry's classes.
const require = createRequire(import.meta.url);
const cjs = require('crisis-playbook/postgres') as typeof import('crisis-playbook/postgres');
const cjsMain = require('crisis-playbook') as typeof import('crisis-playbook');
if (!require.resolve('crisis-playbook/postgres').endsWith('/node_modules/crisis-playbook/dist/postgres.cjs')) throw new Error('expected the CommonJS build');
const cjsStore = cjs.createPostgresIncidentStore({ client: db, table: 'cjs_incidents' });
await cjsStore.migrate();
await cjsStore.create('inc-1', waiting);
const cjsTaken = await cjsStore.create('inc-1', waiting).catch((error: unknown) => error);
if (!(cjsTaken instanceof cjsMain.IncidentError)) throw new Error('the CommonJS build does not share the CommonJS main entry\\'s IncidentError');
console.log('postgres (cjs): already_exists is an IncidentError of the main entry');
await db.close();
console.log('CONSUMER-OK');
`;

const strictChecks = { strict: true, skipLibCheck: false, types: ['node'], target: 'ES2022', lib: ['ES2022'] };

const apps: App[] = [
  {
    name: 'esm-nodenext',
    description: 'ESM TypeScript, module/moduleResolution NodeNext, compiled with tsc',
    dependencies: tsDependencies,
    files: {
      'package.json': json({ name: 'consumer-esm-nodenext', private: true, type: 'module' }),
      'tsconfig.json': json({
        compilerOptions: { ...strictChecks, module: 'NodeNext', moduleResolution: 'NodeNext', verbatimModuleSyntax: true, rootDir: 'src', outDir: 'build' },
        include: ['src'],
      }),
      'src/events.ts': eventsTs,
      'src/custom.ts': customTs,
      'src/main.ts': mainTs('esm-nodenext', '.js'),
    },
    start: ['build/main.js'],
  },
  {
    name: 'esm-bundler',
    description: 'TypeScript, module Preserve, moduleResolution Bundler, run with tsx',
    dependencies: [...tsDependencies, `tsx@${pkg.devDependencies['tsx']}`],
    files: {
      'package.json': json({ name: 'consumer-esm-bundler', private: true, type: 'module' }),
      'tsconfig.json': json({
        compilerOptions: {
          ...strictChecks,
          module: 'Preserve',
          moduleResolution: 'Bundler',
          noEmit: true,
          verbatimModuleSyntax: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          // xstate's own declarations do not compile under exactOptionalPropertyTypes, so apps
          // that turn it on skip checking libraries; the other two apps check every .d.ts.
          skipLibCheck: true,
        },
        include: ['src'],
      }),
      'src/events.ts': eventsTs,
      'src/custom.ts': customTs,
      'src/main.ts': mainTs('esm-bundler', ''),
    },
    start: ['--import', 'tsx', 'src/main.ts'],
  },
  {
    name: 'esm-postgres',
    description: 'ESM TypeScript (NodeNext) importing crisis-playbook/postgres with PGlite, and requiring its CommonJS build',
    dependencies: [...tsDependencies, `@electric-sql/pglite@${pkg.devDependencies['@electric-sql/pglite']}`],
    files: {
      'package.json': json({ name: 'consumer-esm-postgres', private: true, type: 'module' }),
      'tsconfig.json': json({
        compilerOptions: {
          ...strictChecks,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          verbatimModuleSyntax: true,
          rootDir: 'src',
          outDir: 'build',
          // PGlite's own declarations need the DOM and Emscripten types; the other TypeScript
          // apps check crisis-playbook/postgres's declarations with skipLibCheck off.
          skipLibCheck: true,
        },
        include: ['src'],
      }),
      'src/main.ts': postgresTs,
    },
    start: ['build/main.js'],
  },
  {
    name: 'cjs',
    description: "plain CommonJS, require('crisis-playbook'), checked with checkJs",
    dependencies: tsDependencies,
    files: {
      'package.json': json({ name: 'consumer-cjs', private: true, type: 'commonjs' }),
      'tsconfig.json': json({
        compilerOptions: { ...strictChecks, module: 'NodeNext', moduleResolution: 'NodeNext', allowJs: true, checkJs: true, noEmit: true },
        include: ['*.js'],
      }),
      'events.js': eventsCjs,
      'main.js': mainCjs,
    },
    start: ['main.js'],
  },
];

// ---------------------------------------------------------------------------------------------
// The run

interface Failure {
  readonly app: string;
  readonly node?: string;
  readonly step: string;
  readonly detail: string;
}
const failures: Failure[] = [];
const summary = new Map<string, Map<string, string>>(apps.map((app) => [app.name, new Map()]));

function record(app: string, column: string, result: RunResult | undefined, failure?: Omit<Failure, 'app'>): boolean {
  summary.get(app)!.set(column, failure ? 'FAIL' : `ok ${seconds(result?.seconds ?? 0)}`);
  if (failure) failures.push({ app, ...failure });
  console.log(failure ? `✘ ${app}: ${column} failed` : `✔ ${app}: ${column} (${seconds(result?.seconds ?? 0)})`);
  return !failure;
}

function newestMtime(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newestMtime(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
    ),
  );
}

/** The command names a package.json declares in `bin`. */
function commandsOf(manifest: { name: string; bin?: string | Record<string, string> }): string[] {
  if (typeof manifest.bin === 'string') return [manifest.name.replace(/^@[^/]+\//, '')];
  return Object.keys(manifest.bin ?? {});
}

/**
 * Runs an installed command as a user would (node_modules/.bin, so through its #! line, with
 * the node under test first on PATH): `--help` exits 0, and the package's own command replays
 * the reference case to the outcome `resolved`.
 */
async function runCommand(command: string, cwd: string, binary: NodeBinary): Promise<void> {
  const row = `bin ${command}`;
  const column = `node ${binary.major}`;
  const executable = join(cwd, 'node_modules', '.bin', command);
  const help = await run(executable, ['--help'], { cwd, node: binary.path, timeoutSeconds: 60 });
  if (!help.ok) {
    record(row, column, help, { node: binary.version, step: `${command} --help`, detail: `exit ${help.code}\n${tail(help.output)}` });
    return;
  }
  if (command !== pkg.name) {
    record(row, column, help);
    return;
  }
  const replay = await run(executable, ['replay', 'reference-case.json', '--json'], { cwd, node: binary.path, timeoutSeconds: 60 });
  let outcome: unknown;
  try {
    outcome = (JSON.parse(replay.stdout) as { output?: { outcome?: unknown } }).output?.outcome;
  } catch {
    outcome = undefined;
  }
  const failure =
    replay.ok && outcome === 'resolved'
      ? undefined
      : { node: binary.version, step: `${command} replay reference-case.json --json`, detail: `exit ${replay.code}, outcome ${JSON.stringify(outcome)}\n${tail(replay.output)}` };
  record(row, column, { ...replay, seconds: help.seconds + replay.seconds }, failure);
  if (!failure) console.log(`    ${command} replay: outcome ${String(outcome)}`);
}

async function main(): Promise<void> {
  const dist = join(root, 'dist', 'index.js');
  if (!existsSync(dist)) {
    console.error('✘ dist/ is missing: run `npm run build` before `npm run test:consumers`.');
    process.exit(1);
  }
  if (newestMtime(join(root, 'src')) > statSync(dist).mtimeMs) {
    console.warn('! src/ changed after the last build: the apps test the old dist/ (run `npm run build`).');
  }

  const work = await mkdtemp(join(tmpdir(), 'crisis-playbook-consumers-'));
  console.log(`consumer tests in ${work}; peers ${peer('xstate')} ${peer('zod')}; node ${majors.join(', ')}`);

  // The node binaries install while the package is packed and the apps install.
  const nodes = Promise.all(majors.map(nodeBinary));

  const pack = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root });
  if (!pack.ok) {
    console.error(`✘ npm pack failed (exit ${pack.code}):\n${tail(pack.output)}`);
    process.exit(1);
  }
  const tarball = join(work, (JSON.parse(pack.stdout) as [{ filename: string }])[0].filename);
  console.log(`✔ npm pack: ${tarball} (${seconds(pack.seconds)})`);

  const ready = await Promise.all(
    apps.map(async (app) => {
      const dir = join(work, app.name);
      for (const [file, text] of Object.entries(app.files)) {
        await mkdir(dirname(join(dir, file)), { recursive: true });
        await writeFile(join(dir, file), text);
      }
      const install = await run('npm', ['install', ...npmFlags, '--prefix', dir, tarball, peer('xstate'), peer('zod'), ...app.dependencies], { cwd: dir });
      if (!record(app.name, 'install', install, install.ok ? undefined : { step: 'npm install', detail: `exit ${install.code}\n${tail(install.output)}` })) return false;
      const tsc = join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
      const check = await run(process.execPath, [tsc, '-p', '.', '--pretty', 'false'], { cwd: dir });
      return record(app.name, 'types', check, check.ok ? undefined : { step: 'tsc (strict type check)', detail: `exit ${check.code}\n${tail(check.output)}` });
    }),
  );

  // The package's commands (`bin`), if it has any, run from the CommonJS app on every node.
  const cjsIndex = apps.findIndex((app) => app.name === 'cjs');
  const cjsDir = join(work, 'cjs');
  const bins = commandsOf(pkg);
  for (const command of bins) summary.set(`bin ${command}`, new Map([['install', 'n/a'], ['types', 'n/a']]));
  if (bins.length > 0) await writeFile(join(cjsDir, 'reference-case.json'), JSON.stringify(referenceCase));

  const binaries = await nodes;
  for (const binary of binaries) {
    const column = `node ${binary.major}`;
    if (!binary.path) {
      failures.push({ app: '(all)', node: binary.major, step: 'install node', detail: binary.error ?? 'unknown error' });
      for (const cells of summary.values()) cells.set(column, 'no node');
      console.log(`✘ node ${binary.major} unavailable`);
      continue;
    }
    const results = await Promise.all(
      apps.map(async (app, index) => {
        if (!ready[index]) {
          summary.get(app.name)!.set(column, 'skipped');
          return undefined;
        }
        return { app, result: await run(binary.path!, app.start, { cwd: join(work, app.name), node: binary.path, timeoutSeconds: 60 }) };
      }),
    );
    for (const entry of results) {
      if (!entry) continue;
      const { app, result } = entry;
      const complete = result.ok && result.stdout.includes('CONSUMER-OK');
      const detail = result.ok ? `the app exited 0 without printing CONSUMER-OK\n${tail(result.output)}` : `exit ${result.code}\n${tail(result.output)}`;
      record(app.name, column, result, complete ? undefined : { node: binary.version, step: `run (${app.start.join(' ')})`, detail });
      for (const line of result.stdout.split('\n').filter((text) => /^(final output|custom playbook|postgres( \(cjs\))?):| crisis-playbook(\/postgres)? from /.test(text))) console.log(`    ${line}`);
    }
    for (const command of bins) {
      if (ready[cjsIndex]) await runCommand(command, cjsDir, binary);
      else summary.get(`bin ${command}`)!.set(column, 'skipped');
    }
  }

  // Summary table.
  const columns = ['install', 'types', ...majors.map((major) => `node ${major}`)];
  const versions = binaries.map((binary) => binary.version ?? `${binary.major}: unavailable`).join(', ');
  console.log(`\nconsumer tests (${versions}; ${peer('xstate')}, ${peer('zod')}), ${seconds((Date.now() - started) / 1000)} in all:`);
  const width = Math.max(...[...summary.keys()].map((row) => row.length)) + 2;
  console.log(`  ${'app'.padEnd(width)}${columns.map((column) => column.padEnd(10)).join('')}`);
  for (const [row, cells] of summary) {
    console.log(`  ${row.padEnd(width)}${columns.map((column) => (cells.get(column) ?? '-').padEnd(10)).join('')}`);
  }

  if (failures.length > 0) {
    console.error(`\n${failures.length} consumer failure(s):`);
    for (const failure of failures) {
      const where = `${failure.app}${failure.node ? ` on node ${failure.node}` : ''}`;
      console.error(`\n✘ ${where}: ${failure.step}\n${failure.detail.replace(/^/gm, '    ')}`);
    }
    console.error(`\nThe apps are kept in ${work}`);
    process.exit(1);
  }
  if (keepWork) console.log(`The apps are kept in ${work}`);
  else await rm(work, { recursive: true, force: true });
}

await main();
