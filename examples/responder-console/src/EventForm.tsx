// The events available where the incident stands, as buttons; each opens a form generated
// from the playbook's payload specification. What is submitted goes to the incident's
// `safeSend`, which parses it: an invalid form shows each issue next to its field and changes nothing.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { IncidentActor } from 'crisis-playbook';
import type { AnyStateMachine } from 'xstate';
import { eventOf, formFields, issuesByField, type FormField } from './forms.js';
import type { LoadedPlaybook } from './playbook.js';

export function EventsPanel({ playbook, actor, available, onRecorded }: {
  playbook: LoadedPlaybook;
  actor: IncidentActor<AnyStateMachine>;
  available: readonly string[];
  onRecorded: (type: string) => void;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // A form for an event the incident no longer takes (its rung changed) closes.
  const shown = open !== null && available.includes(open) ? open : null;

  return (
    <section aria-labelledby="events-heading" className="panel events">
      <h2 id="events-heading" ref={heading} tabIndex={-1}>
        Record what happened
      </h2>
      {available.length === 0 ? (
        <p>The incident is finished: it takes no more events.</p>
      ) : (
        <ul className="event-buttons" aria-label="Events available now">
          {available.map((type) => (
            <li key={type}>
              <button type="button" aria-expanded={shown === type} aria-controls={shown === type ? 'event-form' : undefined} onClick={() => setOpen(shown === type ? null : type)} title={playbook.definition.events[type]?.description}>
                {type}
              </button>
            </li>
          ))}
        </ul>
      )}
      {shown !== null && (
        <EventForm
          key={shown}
          type={shown}
          playbook={playbook}
          actor={actor}
          onCancel={() => {
            setOpen(null);
            heading.current?.focus();
          }}
          onRecorded={() => {
            setOpen(null);
            onRecorded(shown);
            heading.current?.focus();
          }}
        />
      )}
    </section>
  );
}

function EventForm({ type, playbook, actor, onCancel, onRecorded }: {
  type: string;
  playbook: LoadedPlaybook;
  actor: IncidentActor<AnyStateMachine>;
  onCancel: () => void;
  onRecorded: () => void;
}) {
  const fields = formFields(playbook.definition, type);
  const [values, setValues] = useState<Record<string, string>>({});
  const [issues, setIssues] = useState<Map<string, string[]>>(new Map());
  const form = useRef<HTMLFormElement>(null);
  const description = playbook.definition.events[type]?.description;

  useEffect(() => {
    form.current?.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
  }, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    // The library parses the event once, in safeSend: an invalid payload comes back as
    // `invalid_event` with an issue per field; anything else (not applicable now) is the form's.
    const sent = actor.safeSend(eventOf(type, fields, values));
    if (!sent.success) {
      setIssues(sent.error.code === 'invalid_event' ? issuesByField(sent.error.issues, fields) : new Map([['', sent.error.issues.map((issue) => issue.message)]]));
      return;
    }
    onRecorded();
  }

  const formIssues = issues.get('') ?? [];
  const groups = [...new Set(fields.map((field) => field.group))];
  return (
    <form id="event-form" ref={form} onSubmit={submit} aria-labelledby="event-form-heading" noValidate>
      <h3 id="event-form-heading">Record {type}</h3>
      {description && <p className="hint">{description}</p>}
      {formIssues.length > 0 && (
        <ul role="alert" className="issues" aria-label="What is wrong">
          {formIssues.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      {groups.map((group) => {
        const controls = fields
          .filter((field) => field.group === group)
          .map((field) => <Field key={field.key} field={field} value={values[field.key] ?? ''} issues={issues.get(field.key)} onChange={(value) => setValues({ ...values, [field.key]: value })} />);
        return group === undefined ? (
          controls
        ) : (
          <fieldset key={group}>
            <legend>{group}</legend>
            {controls}
          </fieldset>
        );
      })}
      <div className="actions">
        <button type="submit">Record {type}</button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Field({ field, value, issues, onChange }: { field: FormField; value: string; issues: readonly string[] | undefined; onChange: (value: string) => void }) {
  const id = `field-${useId().replace(/:/g, '')}`;
  const errorId = `${id}-issues`;
  const invalid = issues !== undefined && issues.length > 0;
  const common = {
    id,
    name: field.key,
    'aria-invalid': invalid,
    'aria-describedby': invalid ? errorId : undefined,
    value,
  };
  let control;
  if (field.kind === 'boolean') {
    control = (
      <select {...common} onChange={(event) => onChange(event.target.value)}>
        <option value="">{field.optional ? '(not answered)' : '(choose)'}</option>
        <option value="yes">yes</option>
        <option value="no">no</option>
      </select>
    );
  } else if (field.kind === 'enum') {
    control = (
      <select {...common} onChange={(event) => onChange(event.target.value)}>
        <option value="">{field.optional ? '(not answered)' : '(choose)'}</option>
        {field.options!.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'longText' || field.kind === 'json') {
    control = <textarea {...common} rows={3} onChange={(event) => onChange(event.target.value)} />;
  } else {
    control = <input {...common} type="text" onChange={(event) => onChange(event.target.value)} />;
  }
  return (
    <div className={`field${invalid ? ' invalid' : ''}`}>
      <label htmlFor={id}>
        {field.label}
        {field.optional ? <span className="optional"> (optional)</span> : null}
      </label>
      {control}
      {invalid && (
        <p id={errorId} className="field-issue">
          {issues.join(' ')}
        </p>
      )}
    </div>
  );
}
