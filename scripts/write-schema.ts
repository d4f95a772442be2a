// Writes schema/playbook.schema.json from the zod schema. A test fails when the checked-in
// copy is stale: run `npm run schema` after changing src/definition/schema.ts.
import { writeFileSync } from 'node:fs';
import { playbookJsonSchema } from 'crisis-playbook/authoring';

writeFileSync(new URL('../schema/playbook.schema.json', import.meta.url), `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`);
