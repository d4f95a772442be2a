import { defaultPlaybook } from 'crisis-playbook';
import { extendPlaybook } from 'crisis-playbook/authoring';

/**
 * Acme's playbook: the default ladder plus a legal review whenever legal action is
 * threatened, and a holding statement before anyone writes to the upset person.
 */
export const acmePlaybook = extendPlaybook(defaultPlaybook)
  .rename({ id: 'acme', version: '1.0.0', title: 'Acme: crisis ladder with legal review' })
  .addEvents({
    'statement.published': { description: 'The holding statement is published.' },
    'legal.cleared': {
      description: 'Legal reviewed the threat and cleared the team to talk.',
      payload: { counsel: { type: 'string', optional: true, maxLength: 120, personal: true } },
    },
    'legal.silenced': { description: 'Legal advised not to engage any further.' },
  })
  .addGuards({
    isLegalThreat: {
      description: 'The threat reported is one of legal action.',
      condition: { path: 'event.kind', equals: 'legal-action' },
    },
  })
  .addWindows({
    legalWindow: { description: 'How long legal may take before the team moves on.', duration: '72h' },
  })
  .insertRung(
    { before: 'directMessage' },
    {
      id: 'holdingStatement',
      title: 'Holding statement',
      description: 'Publish a short, factual holding statement before writing to the person.',
      tags: ['needs-action'],
      advice: [
        {
          title: 'Publish the holding statement',
          detail: 'Say you are aware and looking into it, and how to reach you. No blame, no detail.',
          priority: 20,
        },
      ],
      on: [{ event: 'statement.published', target: 'directMessage', description: 'Statement out: write to them.' }],
    },
  )
  .addRung(
    {
      id: 'legalReview',
      title: 'Legal review',
      description: 'Legal action was threatened: pause replies until legal has reviewed the case.',
      tags: ['needs-action', 'waiting'],
      advice: [
        {
          title: 'Pause and ask legal',
          detail: 'Do not reply publicly or privately until legal has reviewed the posts and messages.',
          priority: 5,
          because: ['isLegalThreat'],
        },
      ],
      on: [
        { event: 'legal.cleared', target: 'phoneCall', description: 'Cleared: talk it through.' },
        { event: 'legal.silenced', target: 'monitoring', description: 'Do not engage: keep watching.' },
      ],
      after: [{ window: 'legalWindow', target: 'monitoring', description: 'No answer from legal in time.' }],
    },
  )
  .addTransitions('everyRung', [
    {
      event: 'threat.reported',
      target: 'legalReview',
      guard: 'isLegalThreat',
      description: 'Legal action threatened: legal reviews first.',
    },
  ])
  .build();
