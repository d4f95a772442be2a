// `npm run bench:validate [sizes] [rounds]`: how long safeParsePlaybook, compilePlaybook and
// safeCompilePlaybook take on large playbooks (by default 1,000, 5,000 and 10,000 named guards)
// and on hostile documents (deep nesting, a guard chain far over the limit). Checking is meant
// to be linear in the size of the playbook, with 10,000 guards checked in under a second on a
// 2-core machine. Reports the fastest and the median of the rounds (the fastest is the better
// estimate on a loaded machine), and exits with status 0 whatever the results. See
// docs/custom-playbooks.md, "Limits".
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { defaultPlaybook } from 'crisis-playbook';
import { compilePlaybook, safeCompilePlaybook, safeParsePlaybook } from 'crisis-playbook/authoring';
import { guardChain, largePlaybook } from './largePlaybooks.js';

const sizes = (process.argv[2] ?? '1000,5000,10000').split(',').map(Number);
const rounds = Number(process.argv[3] ?? 7);
const target = 1000; // ms, for validating 10,000 guards

function deepNot(depth: number): unknown {
  let condition: unknown = 'isPosterKnown';
  for (let i = 0; i < depth; i++) condition = { not: condition };
  return { ...defaultPlaybook, guards: { ...defaultPlaybook.guards, deep: { description: 'Deep.', condition } } };
}

function deepArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return { ...defaultPlaybook, description: value };
}

interface Outcome {
  readonly success: boolean;
  readonly error?: { readonly issues: readonly { readonly code: string }[] };
}

/** The fastest and the median milliseconds of `rounds` calls after one warm-up call, and what the call returned. */
function time(fn: () => Outcome): { min: number; median: number; result: Outcome } {
  let result = safely(fn);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    result = safely(fn);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { min: times[0]!, median: times[times.length >> 1]!, result };
}

/** The call's result, or what it threw as an outcome (the safe forms should never throw). */
function safely(fn: () => Outcome): Outcome {
  try {
    return fn();
  } catch (error) {
    return { success: false, error: { issues: [{ code: `THREW ${String((error as Error).message).slice(0, 40)}` }] } };
  }
}

function describe(result: Outcome): string {
  if (result.success) return 'valid';
  const issues = result.error!.issues;
  return `${issues.length.toLocaleString('en-US')} issue(s): ${[...new Set(issues.map((issue) => issue.code))].slice(0, 3).join(', ')}`;
}

const rows: string[][] = [['case', 'operation', 'fastest ms', 'median ms', 'outcome']];
const add = (name: string, operation: string, fn: () => Outcome) => {
  const { min, median, result } = time(fn);
  const verdict = name.startsWith('10,000') && operation === 'safeParsePlaybook' ? (min <= target ? ' (target ≤ 1000 ms: PASS)' : ' (target ≤ 1000 ms: FAIL)') : '';
  rows.push([name, operation, min.toFixed(1), median.toFixed(1), describe(result) + verdict]);
};
for (const size of sizes) {
  const count = size.toLocaleString('en-US');
  const large = largePlaybook(size);
  add(`${count} guards in chains of 16`, 'safeParsePlaybook', () => safeParsePlaybook(large));
  add(`${count} guards in chains of 16`, 'compilePlaybook', () => ({ success: compilePlaybook(large) !== undefined }));
  const chain = guardChain(size);
  add(`${count} guards in one chain`, 'safeParsePlaybook', () => safeParsePlaybook(chain));
  add(`${count} guards in one chain`, 'safeCompilePlaybook', () => safeCompilePlaybook(chain));
}
const notDeep = deepNot(1400);
add('a condition 1,400 `not` deep', 'safeParsePlaybook', () => safeParsePlaybook(notDeep));
const arrayDeep = deepArray(100_000);
add('arrays 100,000 deep', 'safeParsePlaybook', () => safeParsePlaybook(arrayDeep));

const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
const numeric = (column: number) => column === 2 || column === 3;
const line = (row: string[]) =>
  `| ${row.map((cell, column) => (numeric(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join(' | ')} |`;
console.log(
  `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, load average ${loadavg()[0]!.toFixed(1)}; ` +
    `${rounds} rounds after a warm-up\n`,
);
console.log(line(rows[0]!));
console.log(`|${widths.map((width, column) => (numeric(column) ? `${'-'.repeat(width + 1)}:` : `:${'-'.repeat(width + 1)}`)).join('|')}|`);
for (const row of rows.slice(1)) console.log(line(row));
