import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as main from 'crisis-playbook';
import * as authoring from 'crisis-playbook/authoring';
import * as server from 'crisis-playbook/server';
import * as visualize from 'crisis-playbook/visualize';
import * as fr from 'crisis-playbook/fr';
import { exportReader } from './support/exports.js';

const entries = { index: main, server, authoring, visualize, fr } as const;
const paths = Object.keys(entries).map((name) => fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url)));
const { program, exportsOf } = exportReader(paths);

describe.each(Object.entries(entries).map(([name, runtime], index) => [name, runtime, paths[index]!] as const))('the public API of %s', (name, runtime, path) => {
  const exported = exportsOf(path);
  const specifier = name === 'index' ? 'crisis-playbook' : `crisis-playbook/${name}`;

  it('names each export explicitly (no export *)', () => {
    expect(program.getSourceFile(path)!.getFullText()).not.toMatch(/export \*/);
    // crisis-playbook/fr is data only: the default playbook in French, one export.
    expect(exported.length).toBeGreaterThan(name === 'fr' ? 0 : 5);
  });

  it.each(exported.map((entry) => [entry.name, entry] as const))('documents %s with a summary and an example that imports it from its entry', (exportName, entry) => {
    expect(entry.summary, `${exportName} has no JSDoc summary`).not.toBe('');
    expect(entry.tags, `${exportName} has no @example`).toContain('example');
    const imports = entry.examples.join('\n');
    expect(imports, `${exportName}'s example does not import it from ${specifier}`).toMatch(
      new RegExp(`import (type )?\\{[^}]*\\b(type )?${exportName}\\b[^}]*\\} from '${specifier}'`),
    );
  });

  it('exports at run time exactly the values its types declare', () => {
    const values = exported.filter((entry) => entry.isValue).map((entry) => entry.name);
    expect(Object.keys(runtime).sort()).toEqual(values.sort());
  });
});

describe('the entries by purpose', () => {
  it('share one set of classes and one registry of compiled machines', () => {
    const runtime = server.createIncidentRuntime({ playbooks: [main.crisisMachine] });
    const refused = runtime.safeDecide('not json', { type: 'x' }, { now: 0 });
    expect(refused.success ? undefined : refused.error).toBeInstanceOf(main.IncidentError);
    const machine = authoring.compilePlaybook(main.defaultPlaybook);
    expect(visualize.toMermaid(machine)).toBe(visualize.toMermaid(main.crisisMachine));
  });
});
