// Package checks, run after `npm run build` (`npm run check:package`): the shape of package.json
// (exports with `types` first, sideEffects, files, bin), the files `npm pack` would ship, the ESM
// and CJS builds exporting the same names with xstate and zod left external, then publint and
// `attw --pack . --profile node16`, for every entry point. Extra tsup entries and a `bin` are allowed: the checks follow the entry points
// that package.json declares and never list dist/ exactly.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

interface Conditions {
  readonly [condition: string]: string | Conditions | undefined;
}
interface PackageJson {
  readonly name: string;
  readonly type?: string;
  readonly sideEffects?: unknown;
  readonly main?: string;
  readonly module?: string;
  readonly types?: string;
  readonly exports?: Record<string, string | Conditions>;
  readonly files?: string[];
  readonly bin?: string | Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly dependencies?: Record<string, string>;
}

/** What a package may ship besides the `files` entries: npm always adds these. */
const alwaysShipped = /^(package\.json|README(\.md)?|LICEN[SC]E(\.md)?|CHANGELOG(\.md)?)$/i;
/** The `files` entries a release may have: the build, the JSON schema and the changelog. */
const allowedFiles = new Set(['dist', 'schema', 'CHANGELOG.md']);
/** Names each entry point must export (a smoke check of the entries by purpose). */
const requiredNames: Record<string, string[]> = {
  '.': ['crisisMachine', 'defaultPlaybook', 'createIncident', 'recommend', 'parseEvent', 'IncidentError'],
  './server': ['createIncidentRuntime', 'decide', 'MemoryIncidentStore'],
  './authoring': ['compilePlaybook', 'extendPlaybook', 'safeParsePlaybook', 'playbookJsonSchema'],
  './visualize': ['toMermaid', 'createInspectionRecorder', 'createRedactor'],
  './fr': ['defaultPlaybookFr'],
  './postgres': ['createPostgresIncidentStore', 'createDeadlineWorker', 'connectPostgres'],
};
/** Entries that are data only: they import no package. */
const dataOnly = new Set(['./fr']);
/** Optional peer dependencies: drivers that only the postgres entry loads, when asked to. */
const optionalPeers = ['pg', '@electric-sql/pglite'];
/**
 * Entries built on their own, which import the main entry by the package's name (one copy of its
 * classes) instead of sharing chunks with it.
 */
const selfImporting = new Set(['./postgres']);
/** Peer dependencies that the build must import, not bundle. */
const externals = ['xstate', 'zod'];

const problems: string[] = [];
let notes: string[] = [];
/** Prints a line of detail under the step's result. */
function note(text: string): void {
  notes.push(text);
}
function check(ok: boolean, problem: string): void {
  if (!ok) problems.push(problem);
}
const relative = (path: string) => path.replace(/^\.\//, '');

function step(title: string, run: () => void): void {
  const before = problems.length;
  const started = Date.now();
  notes = [];
  try {
    run();
  } catch (error) {
    problems.push(`${title}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const failed = problems.length - before;
  const time = `${((Date.now() - started) / 1000).toFixed(1)}s`;
  console.log(failed === 0 ? `✔ ${title} (${time})` : `✘ ${title}: ${failed} problem(s) (${time})`);
  for (const line of notes) console.log(line.replace(/^/gm, '    '));
  for (const problem of problems.slice(before)) console.log(`    - ${problem.replace(/\n/g, '\n      ')}`);
}

function spawn(command: string, args: string[]): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

/** The packages (bare specifiers, by package name) imported by a built file and the files it imports. */
function packagesImportedBy(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const pending = [entry];
  // esbuild's output: static imports start a line; require() and import() take a plain string
  // (in double quotes from esbuild, single quotes in tsup's CommonJS chunks).
  const specifiers = [/^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)";?$/gm, /^import\s*"([^"]+)";?$/gm, /\b(?:require|import)\(["']([^"']+)["']\)/g];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const specifier of specifiers.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1]!))) {
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
  }
  return packages;
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
const binTargets = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});

if (!existsSync(join(root, 'dist'))) {
  console.error('✘ dist/ is missing: run `npm run build` before `npm run check:package`.');
  process.exit(1);
}

step('package.json: exports, sideEffects, files, bin', () => {
  check(pkg.type === 'module', `"type" should be "module", found ${JSON.stringify(pkg.type)}`);
  check(pkg.sideEffects === false, `"sideEffects" should be false, found ${JSON.stringify(pkg.sideEffects)}`);

  const entries = jsEntries();
  check(entries.some(([name]) => name === '.'), 'exports["."] should be an object with "import" and "require" conditions');
  const expected = { import: { types: '.d.ts', default: '.js' }, require: { types: '.d.cts', default: '.cjs' } } as const;
  for (const [name, conditions] of entries) {
    check(Object.keys(conditions).join() === 'import,require', `exports["${name}"] should have exactly "import" then "require", found ${Object.keys(conditions).join(', ')}`);
    for (const condition of ['import', 'require'] as const) {
      const entry = conditions[condition];
      if (typeof entry !== 'object') {
        problems.push(`exports["${name}"].${condition} should be { types, default }, found ${JSON.stringify(entry)}`);
        continue;
      }
      check(Object.keys(entry).join() === 'types,default', `exports["${name}"].${condition} should list "types" first, then "default", found ${Object.keys(entry).join(', ')}`);
      for (const key of ['types', 'default'] as const) {
        const target = entry[key];
        const extension = expected[condition][key];
        if (typeof target !== 'string') {
          problems.push(`exports["${name}"].${condition}.${key} should be a path`);
          continue;
        }
        const hasExtension = target.endsWith(extension) && !(extension === '.d.ts' && target.endsWith('.d.cts'));
        check(target.startsWith('./dist/') && hasExtension, `exports["${name}"].${condition}.${key} should be ./dist/*${extension}, found ${target}`);
        check(existsSync(join(root, target)), `exports["${name}"].${condition}.${key}: ${target} does not exist (build first)`);
      }
    }
  }
  check(pkg.exports?.['./playbook.schema.json'] === './schema/playbook.schema.json', 'exports should expose "./playbook.schema.json"');
  const main = (pkg.exports?.['.'] ?? {}) as Conditions;
  check(pkg.exports?.['./package.json'] === './package.json', 'exports should expose "./package.json"');
  // The legacy fields, for tools that ignore "exports", point at the same files.
  const importEntry = main['import'] as Conditions | undefined;
  const requireEntry = main['require'] as Conditions | undefined;
  check(pkg.main === requireEntry?.['default'], `"main" should be ${String(requireEntry?.['default'])}, found ${String(pkg.main)}`);
  check(pkg.module === undefined || pkg.module === importEntry?.['default'], `"module" should be ${String(importEntry?.['default'])}, found ${String(pkg.module)}`);
  check(pkg.types === importEntry?.['types'], `"types" should be ${String(importEntry?.['types'])}, found ${String(pkg.types)}`);

  check(Array.isArray(pkg.files) && pkg.files.length > 0, '"files" should list what to ship');
  for (const entry of pkg.files ?? []) {
    check(allowedFiles.has(relative(entry).replace(/\/$/, '')), `"files" ships ${entry}; only ${[...allowedFiles].join(' and ')} are expected`);
  }
  for (const [name, target] of Object.entries(binTargets)) {
    check(relative(target).startsWith('dist/'), `bin "${name}" should point into dist/, found ${target}`);
  }
  for (const name of externals) {
    check(pkg.peerDependencies?.[name] !== undefined, `${name} should be a peer dependency`);
    check(pkg.dependencies?.[name] === undefined, `${name} should not be a dependency (it is a peer dependency)`);
  }
  for (const name of optionalPeers) {
    check(pkg.peerDependencies?.[name] !== undefined, `${name} should be a peer dependency`);
    check(pkg.peerDependenciesMeta?.[name]?.optional === true, `${name} should be an optional peer dependency (peerDependenciesMeta)`);
    check(pkg.dependencies?.[name] === undefined, `${name} should not be a dependency (it is an optional peer dependency)`);
  }
});

/** The entry points of package.json that lead to JavaScript: `[subpath, { import, require }]`. */
function jsEntries(): [string, Conditions][] {
  return Object.entries(pkg.exports ?? {}).filter((entry): entry is [string, Conditions] => typeof entry[1] === 'object' && entry[1] !== null);
}

step('packed files (npm pack --dry-run)', () => {
  const result = spawn('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']);
  if (result.status !== 0) throw new Error(`npm pack --dry-run failed:\n${result.stderr}`);
  const [packed] = JSON.parse(result.stdout) as [{ files: { path: string }[]; size: number; unpackedSize: number }];
  const paths = new Set(packed.files.map((file) => file.path));
  const unexpected = [...paths].filter((path) => !alwaysShipped.test(path) && !(path.includes('/') && allowedFiles.has(path.split('/')[0]!)));
  const listed = unexpected.slice(0, 8).join(', ') + (unexpected.length > 8 ? `, … (${unexpected.length - 8} more)` : '');
  check(unexpected.length === 0, `the package would ship ${unexpected.length} file(s) outside ${[...allowedFiles].join('/ and ')}/: ${listed}`);
  const entryPoints = [
    ...jsEntries().flatMap(([, conditions]) =>
      ['import', 'require'].flatMap((condition) => {
        const entry = conditions[condition] as Conditions | undefined;
        return [entry?.['types'], entry?.['default']];
      }),
    ),
    pkg.main,
    pkg.module,
    pkg.types,
    ...Object.values(binTargets),
  ].filter((path): path is string => typeof path === 'string');
  for (const path of new Set(entryPoints.map(relative))) check(paths.has(path), `${path} is declared in package.json but not packed`);
  for (const [name, target] of Object.entries(binTargets)) {
    const file = join(root, target);
    check(existsSync(file) && readFileSync(file, 'utf8').startsWith('#!'), `bin "${name}" (${target}) should start with a #! line`);
  }
  check(paths.has('schema/playbook.schema.json'), 'schema/playbook.schema.json should be packed');
  note(`${paths.size} files, ${(packed.size / 1024).toFixed(0)} kB packed, ${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked`);
});

step('ESM and CJS builds: same exports per entry, shared classes, xstate and zod external', () => {
  const entries = jsEntries().map(([name, conditions]) => ({
    name,
    esm: (conditions['import'] as Conditions)['default'] as string,
    cjs: (conditions['require'] as Conditions)['default'] as string,
  }));
  // A fresh plain `node`, without tsx's loader, loads both builds of every entry, lists their
  // exports, and checks that the entries share one set of classes (one registry of compiled
  // machines): a machine from the main entry works with the server entry.
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    const entries = ${JSON.stringify(entries)};
    const loaded = [];
    for (const entry of entries) loaded.push({ name: entry.name, esm: await import(entry.esm), cjs: require(entry.cjs) });
    const names = Object.fromEntries(loaded.map((entry) => [entry.name, { esm: Object.keys(entry.esm).sort(), cjs: Object.keys(entry.cjs).sort() }]));
    const shared = {};
    for (const format of ['esm', 'cjs']) {
      const main = loaded.find((entry) => entry.name === '.')[format];
      const server = loaded.find((entry) => entry.name === './server')?.[format];
      if (!server) continue;
      const runtime = server.createIncidentRuntime({ playbooks: [main.crisisMachine] });
      const result = runtime.safeDecide('not json', { type: 'x' }, { now: 0 });
      shared[format] = !result.success && result.error instanceof main.IncidentError;
    }
    console.log(JSON.stringify({ names, shared }));`;
  const result = spawn(process.execPath, ['--input-type=module', '--eval', script]);
  if (result.status !== 0) throw new Error(`loading the builds failed:\n${result.stderr}`);
  const { names, shared } = JSON.parse(result.stdout) as { names: Record<string, { esm: string[]; cjs: string[] }>; shared: Record<string, boolean> };
  for (const { name, esm, cjs } of entries) {
    const { esm: esmNames, cjs: cjsNames } = names[name]!;
    const missingInCjs = esmNames.filter((exported) => !cjsNames.includes(exported));
    const missingInEsm = cjsNames.filter((exported) => !esmNames.includes(exported));
    check(missingInCjs.length === 0, `exported by ${esm} but not ${cjs}: ${missingInCjs.join(', ')}`);
    check(missingInEsm.length === 0, `exported by ${cjs} but not ${esm}: ${missingInEsm.join(', ')}`);
    for (const required of requiredNames[name] ?? []) check(esmNames.includes(required), `${required} is not exported by "${name}"`);
    note(`"${name}": ${esmNames.length} named exports in both builds`);
  }
  for (const format of ['esm', 'cjs']) check(shared[format] === true, `the ${format} entries do not share their classes: a machine from "crisis-playbook" fails with "crisis-playbook/server"`);
  // Walk the import graph of each build (shared code sits in chunks): the only packages
  // imported are the declared peers and dependencies, and xstate and zod are imported, not
  // bundled.
  const allowed = new Set([...Object.keys(pkg.peerDependencies ?? {}), ...Object.keys(pkg.dependencies ?? {})]);
  for (const { name: key, esm, cjs } of entries) {
    for (const entry of [esm, cjs]) {
      const imported = packagesImportedBy(join(root, entry));
      // A data-only entry (the default playbook in another language) imports nothing at all.
      if (dataOnly.has(key)) {
        check(imported.size === 0, `${entry} is data only, yet imports ${[...imported].join(', ')}`);
        continue;
      }
      const required = selfImporting.has(key) ? [pkg.name] : externals;
      for (const name of required) check(imported.has(name), `${entry} never imports "${name}": is it bundled instead of external?`);
      const undeclared = [...imported].filter((name) => !allowed.has(name) && !isBuiltin(name) && !(selfImporting.has(key) && name === pkg.name));
      check(undeclared.length === 0, `${entry} imports undeclared packages: ${undeclared.join(', ')}`);
    }
  }
});

function tool(title: string, command: string, args: string[]): void {
  step(title, () => {
    const result = spawn(command, args);
    const output = `${result.stdout}${result.stderr}`.trim();
    if (result.status !== 0) throw new Error(`exited with ${result.status}:\n${output}`);
    note(output);
  });
}

tool('publint --strict', bin('publint'), ['--strict']);
// Node >= 20 and TypeScript's node16/nodenext/bundler resolution read "exports"; the old node10
// resolution cannot see subpath entries, and is not supported.
tool('attw --pack . --profile node16', bin('attw'), ['--pack', '.', '--profile', 'node16', '--format', 'table-flipped', '--no-emoji', '--no-color']);

if (problems.length > 0) {
  console.error(`\ncheck:package failed: ${problems.length} problem(s).`);
  process.exit(1);
}
console.log('\ncheck:package: all checks passed.');
