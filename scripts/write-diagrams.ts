// Writes the default playbook's Mermaid diagram into README.md and docs/, between the
// `<!-- diagram:default -->` markers. A test fails when a checked-in copy is stale: run
// `npm run diagrams` after changing the default playbook or toMermaid.
import { readFileSync, writeFileSync } from 'node:fs';
import { defaultPlaybook } from 'crisis-playbook';
import { toMermaid } from 'crisis-playbook/visualize';

export const diagramFiles = ['README.md', 'docs/inspector-and-diagrams.md'];
const start = '<!-- diagram:default:start -->';
const end = '<!-- diagram:default:end -->';

export function withDiagram(text: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`Missing ${start} … ${end} markers`);
  return `${text.slice(0, from + start.length)}\n\`\`\`mermaid\n${toMermaid(defaultPlaybook)}\`\`\`\n${text.slice(to)}`;
}

if (process.argv[1]?.endsWith('write-diagrams.ts')) {
  for (const file of diagramFiles) {
    const url = new URL(`../${file}`, import.meta.url);
    writeFileSync(url, withDiagram(readFileSync(url, 'utf8')));
  }
}
