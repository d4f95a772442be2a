// Forms generated from the playbook's payload specification (`events[type].payload`), and the
// event a filled form stands for. The form never validates on its own: the library's event
// parser does, and its issues are shown next to the fields their paths point at.
import { formatPath, type Issue, type PayloadField, type PlaybookDefinition, venues } from 'crisis-playbook';
import { factQuestions, fieldQuestion } from 'crisis-playbook/authoring';

export interface FormField {
  /** The field's key in the form and its path in the event, dot-separated (`facts.venue`). */
  readonly key: string;
  readonly path: readonly string[];
  readonly label: string;
  readonly kind: 'text' | 'longText' | 'boolean' | 'enum' | 'json';
  readonly options?: readonly string[];
  readonly optional: boolean;
  /** A group the field belongs to (the facts of `facts.update`), shown as a fieldset. */
  readonly group?: string;
}

/** The fields of the form for `type`: its payload fields, then who recorded it and a note. */
export function formFields(definition: PlaybookDefinition, type: string): FormField[] {
  const spec = definition.events[type];
  const fields: FormField[] = [];
  if (spec?.schema && !spec.payload) {
    fields.push({ key: 'payload', path: [], label: 'Payload (JSON)', kind: 'json', optional: true });
  }
  for (const [name, field] of Object.entries(spec?.payload ?? {}) as [string, PayloadField][]) {
    const label = fieldQuestion(definition, type, name);
    const optional = field.optional === true;
    switch (field.type) {
      case 'facts':
        for (const [fact, question] of factQuestions) {
          fields.push({
            key: `${name}.${fact}`,
            path: [name, fact],
            label: question,
            kind: fact === 'venue' ? 'enum' : 'boolean',
            ...(fact === 'venue' ? { options: venues } : {}),
            optional: true,
            group: label,
          });
        }
        break;
      case 'boolean':
        fields.push({ key: name, path: [name], label, kind: 'boolean', optional });
        break;
      case 'enum':
        fields.push({ key: name, path: [name], label, kind: 'enum', options: field.values, optional });
        break;
      case 'string':
        fields.push({ key: name, path: [name], label, kind: (field.maxLength ?? 0) > 200 ? 'longText' : 'text', optional });
        break;
    }
  }
  if (!fields.some((field) => field.key === 'by')) fields.push({ key: 'by', path: ['by'], label: 'Recorded by', kind: 'text', optional: true });
  if (!fields.some((field) => field.key === 'note')) fields.push({ key: 'note', path: ['note'], label: 'Note for the timeline', kind: 'longText', optional: true });
  return fields;
}

/**
 * The event a form stands for: empty fields are left out (the parser says when one is
 * required), yes/no become booleans. A group of fields (the facts) is always an object.
 */
export function eventOf(type: string, fields: readonly FormField[], values: Readonly<Record<string, string>>): Record<string, unknown> {
  const event: Record<string, unknown> = { type };
  for (const field of fields) {
    if (field.group !== undefined) event[field.path[0]!] ??= {};
    const raw = values[field.key] ?? '';
    if (raw === '') continue;
    let value: unknown = raw;
    if (field.kind === 'boolean') value = raw === 'yes';
    if (field.kind === 'json') {
      try {
        Object.assign(event, JSON.parse(raw) as object, { type });
      } catch {
        event['payload'] = raw; // the parser reports the unknown key
      }
      continue;
    }
    if (field.path.length === 2) (event[field.path[0]!] as Record<string, unknown>)[field.path[1]!] = value;
    else event[field.path[0]!] = value;
  }
  return event;
}

/** The parser's issues, by the field they belong to; `''` holds the ones no field matches. */
export function issuesByField(issues: readonly Issue[], fields: readonly FormField[]): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const issue of issues) {
    const path = issue.path.map(String);
    const field =
      fields.find((candidate) => candidate.path.length > 0 && candidate.path.join('.') === path.join('.')) ??
      fields.find((candidate) => candidate.path.length > 0 && candidate.group === undefined && path[0] === candidate.path[0]) ??
      fields.find((candidate) => candidate.kind === 'json');
    const key = field?.key ?? '';
    const message = field ? issue.message : `${issue.path.length > 0 ? `${formatPath(issue.path)}: ` : ''}${issue.message}`;
    byField.set(key, [...(byField.get(key) ?? []), message]);
  }
  return byField;
}
