// The ladder as a picture: `toMermaid` with the incident's snapshot (its rung and side-track
// states highlighted), drawn by mermaid's browser bundle, which is loaded on first use.
import { useEffect, useRef, useState } from 'react';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { toMermaid } from 'crisis-playbook/visualize';

interface Mermaid {
  initialize(config: object): void;
  render(id: string, text: string): Promise<{ svg: string }>;
}

let loading: Promise<Mermaid> | undefined;

function loadMermaid(): Promise<Mermaid> {
  loading ??= new Promise<Mermaid>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = new URL('mermaid.min.js', document.baseURI).href;
    script.onload = () => {
      const mermaid = (window as unknown as { mermaid: Mermaid }).mermaid;
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
      resolve(mermaid);
    };
    script.onerror = () => reject(new Error('Could not load mermaid.min.js'));
    document.head.append(script);
  });
  return loading;
}

let renders = 0;

export function Diagram({ machine, snapshot, rungTitle }: { machine: AnyStateMachine; snapshot: AnyMachineSnapshot; rungTitle: string }) {
  const source = toMermaid(machine, { snapshot });
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [rendered, setRendered] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    loadMermaid()
      .then((mermaid) => mermaid.render(`ladder-diagram-${++renders}`, source))
      .then(({ svg }) => {
        if (!current || !host.current) return;
        host.current.innerHTML = svg;
        setRendered(source);
        setError(null);
      })
      .catch((reason: unknown) => {
        if (current) setError(reason instanceof Error ? reason.message : String(reason));
      });
    return () => {
      current = false;
    };
  }, [source]);

  return (
    <section aria-labelledby="diagram-heading" className="panel diagram">
      <h2 id="diagram-heading">The ladder</h2>
      <p className="hint">The current rung and side-track states are highlighted.</p>
      {error && <p role="alert">The diagram could not be drawn: {error}</p>}
      <div
        ref={host}
        id="ladder-diagram"
        role="img"
        aria-label={`The playbook's ladder as a diagram, with ${rungTitle} highlighted`}
        data-ready={rendered === source ? 'true' : 'false'}
        aria-busy={rendered !== source}
      />
      <details>
        <summary>The Mermaid text</summary>
        <pre>{source}</pre>
      </details>
    </section>
  );
}
