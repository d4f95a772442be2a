// What to do next and why: the recommendations in priority order, with their reasons, what
// comes next on the ladder, and the drafts with a copy button.
import { useState } from 'react';
import type { AnyMachineSnapshot } from 'xstate';
import { recommend, type Draft, type Recommendation } from 'crisis-playbook';

const valuesKey = 'crisis-playbook/responder-console/values';
const valueLabels: Readonly<Record<string, string>> = {
  organisation: 'Your organisation',
  responder: 'Your name',
  phone: 'The phone number to give',
  person: "The upset person's name",
};

function savedValues(): Record<string, string> {
  try {
    const values = JSON.parse(localStorage.getItem(valuesKey) ?? '{}') as unknown;
    return values !== null && typeof values === 'object' ? (values as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export function Advice({ snapshot }: { snapshot: AnyMachineSnapshot }) {
  const [values, setValues] = useState(savedValues);
  const recommendations = recommend(snapshot, { values });
  // The values the drafts ask for (`{values.<name>}`), and the ones already given.
  const names = [...new Set([...Object.keys(values), ...recommendations.flatMap((item) => item.drafts.flatMap((draft) => draft.missing.filter((name) => name.startsWith('values.')).map((name) => name.slice('values.'.length))))])];
  function change(name: string, value: string) {
    const next = Object.fromEntries(Object.entries({ ...values, [name]: value }).filter(([, given]) => given !== ''));
    localStorage.setItem(valuesKey, JSON.stringify(next));
    setValues(next);
  }
  return (
    <section aria-labelledby="advice-heading" className="panel advice">
      <h2 id="advice-heading">What to do next</h2>
      {names.length > 0 && (
        <details className="values">
          <summary>Details for the drafts</summary>
          {names.map((name) => (
            <div className="field" key={name}>
              <label htmlFor={`value-${name}`}>{valueLabels[name] ?? name}</label>
              <input id={`value-${name}`} type="text" value={values[name] ?? ''} onChange={(event) => change(name, event.target.value)} />
            </div>
          ))}
        </details>
      )}
      {recommendations.length === 0 ? (
        <p>Nothing to do.</p>
      ) : (
        <ol className="recommendations">
          {recommendations.map((recommendation, index) => (
            <RecommendationItem key={`${recommendation.source.track}-${recommendation.source.state}-${index}`} recommendation={recommendation} />
          ))}
        </ol>
      )}
    </section>
  );
}

function RecommendationItem({ recommendation }: { recommendation: Recommendation }) {
  return (
    <li data-testid="recommendation">
      <h3 className="recommendation-title">{recommendation.title}</h3>
      <p>{recommendation.detail}</p>
      {recommendation.because.length > 0 && (
        <>
          <h4>Why</h4>
          <ul className="because">
            {recommendation.because.map((reason, index) => (
              <li key={index}>{reason.text}</li>
            ))}
          </ul>
        </>
      )}
      {recommendation.next.length > 0 && (
        <>
          <h4>What comes next</h4>
          <ul className="next">
            {recommendation.next.map((step, index) => (
              <li key={index}>
                If {step.if}, then {step.then}.
              </li>
            ))}
          </ul>
        </>
      )}
      {recommendation.drafts.map((draft) => (
        <DraftView key={draft.title} draft={draft} />
      ))}
    </li>
  );
}

function DraftView({ draft }: { draft: Draft }) {
  const [copied, setCopied] = useState<string>('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(draft.text);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Could not copy: select the text and copy it.');
    }
  }
  return (
    <div className="draft">
      <h4>Draft: {draft.title}</h4>
      <pre data-testid="draft-text">{draft.text}</pre>
      {draft.missing.length > 0 && <p className="hint">Fill in: {draft.missing.join(', ')}</p>}
      <button type="button" onClick={() => void copy()} aria-label={`Copy the draft "${draft.title}"`}>
        Copy
      </button>{' '}
      <span role="status">{copied}</span>
    </div>
  );
}
