import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('the layers of src/', () => {
  it.each([
    ['a definition that loads XState', 'src/definition/probe.ts', "import { setup } from 'xstate';\nexport const probe = setup;\n", /does not use xstate/],
    ['a definition that borrows from the compiler', 'src/definition/probe.ts', "import { createBuiltinActions } from '../compile/actions.js';\nexport const probe = createBuiltinActions;\n", /must not import a layer above it/],
    ['events that load the default playbook', 'src/events/probe.ts', "import { defaultPlaybook } from '../default/defaultPlaybook.js';\nexport const probe = defaultPlaybook;\n", /must not import a layer above it/],
    ['the compiler that reads the runtime', 'src/compile/probe.ts', "import { timeOf } from '../runtime/time.js';\nexport const probe = timeOf;\n", /must not import a layer above it/],
    ['the runtime that imports an entry', 'src/runtime/probe.ts', "import { crisisMachine } from '../index.js';\nexport const probe = crisisMachine;\n", /not an entry point/],
    ['the shared ground that reads a definition', 'src/errors/probe.ts', "import type { PlaybookDefinition } from '../definition/types.js';\nexport type Probe = PlaybookDefinition;\n", /must not import a layer above it/],
    ['the command line that reaches into a layer', 'src/cli/probe.ts', "import { layoutOf } from '../compile/layout.js';\nexport const probe = layoutOf;\n", /imports the entries/],
  ])('refuse %s', async (_, filePath, code, message) => {
    const found = await problems(filePath, code);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it.each([
    ['a definition that uses zod', 'src/definition/probe.ts', "import { z } from 'zod';\nexport const probe = z;\n"],
    ['the runtime that uses the compiler', 'src/runtime/probe.ts', "import { layoutOf } from '../compile/layout.js';\nexport const probe = layoutOf;\n"],
    ['the default playbook that uses the runtime', 'src/default/probe.ts', "import { createIncidentRuntime } from '../runtime/incidentRuntime.js';\nexport const probe = createIncidentRuntime;\n"],
    ['the command line that imports entries', 'src/cli/probe.ts', "import { crisisMachine } from '../index.js';\nexport const probe = crisisMachine;\n"],
  ])('allow %s', async (_, filePath, code) => {
    expect(await problems(filePath, code)).toEqual([]);
  });
});

describe('the examples', () => {
  it.each([
    ['the console reaching into src/', 'examples/responder-console/src/probe.tsx', "import { toMermaid } from '../../../src/visualize.js';\nexport const probe = toMermaid;\n"],
    ['an example reaching into dist/', 'examples/custom-rung/probe.ts', "import { crisisMachine } from '../../dist/index.js';\nexport const probe = crisisMachine;\n"],
    ['a deep import of the package', 'examples/responder-console/src/probe.tsx', "import { crisisMachine } from 'crisis-playbook/dist/index.js';\nexport const probe = crisisMachine;\n"],
  ])('refuse %s', async (_, filePath, code) => {
    const found = await problems(filePath, code);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/through its public entries/);
  });

  it.each([
    ['the main entry', "import { crisisMachine } from 'crisis-playbook';\nexport const probe = crisisMachine;\n"],
    ['crisis-playbook/visualize', "import { toMermaid } from 'crisis-playbook/visualize';\nexport const probe = toMermaid;\n"],
    ['crisis-playbook/server', "import { serializeIncident } from 'crisis-playbook/server';\nexport const probe = serializeIncident;\n"],
    ['a module of the console', "import { formFields } from './forms.js';\nexport const probe = formFields;\n"],
  ])('allow the console to import %s', async (_, code) => {
    expect(await problems('examples/responder-console/src/probe.tsx', code)).toEqual([]);
  });
});
