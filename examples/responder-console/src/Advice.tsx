// What to do next and why: the recommendations in priority order, with their reasons, what
// comes next on the ladder, and the drafts with a copy button.
import { useState } from 'react';
import type { AnyMachineSnapshot } from 'xstate';
import { recommend, type Draft, type Recommendation } from 'crisis-playbook';

export function Advice({ snapshot }: { snapshot: AnyMachineSnapshot }) {
  const recommendations = recommend(snapshot);
  return (
    <section aria-labelledby="advice-heading" className="panel advice">
      <h2 id="advice-heading">What to do next</h2>
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
