import { describe, expect, it } from 'vitest';
import { createIncident, crisisMachine, type CrisisEvent, type Recommendation, recommend } from 'crisis-playbook';
import { referenceCase } from '../examples/reference-case/events.js';

// What a responder reads at each step of the reference case (docs/playbook.md explains why),
// read as a crisis consultant would read it: every recommendation in order, every reason, every
// "if …, then …" line and every draft, written for people.

const values = { organisation: 'Corner Shop', phone: '+44 20 7946 0000', person: 'Sam', responder: 'Ana' };

interface Seen {
  readonly title: string;
  readonly because: readonly string[];
  readonly next: readonly string[];
  readonly drafts: readonly string[];
}

function seen(recommendation: Recommendation): Seen {
  return {
    title: recommendation.title,
    because: recommendation.because.map((reason) => reason.text),
    next: recommendation.next.map((step) => `if ${step.if}, then ${step.then}`),
    drafts: recommendation.drafts.map((draft) => draft.title),
  };
}

/** After each event of the reference case: the event and everything `recommend` gives. */
function alongTheReferenceCase(): { event: CrisisEvent; recommendations: Recommendation[] }[] {
  const incident = createIncident(crisisMachine).start();
  const steps = referenceCase.map((event) => {
    incident.send(event);
    return { event, recommendations: recommend(incident.getSnapshot(), { values }) };
  });
  incident.stop();
  return steps;
}

// Sentences that recur along the way.
const atGathering = 'You are at “Gather information”, where every incident starts.';
const notKnown = 'You do not know the person who posted, so you will have to reach them another way.';
const outOfSight =
  'The posts are in a private group you are not a member of, and you neither saw them nor are connected to the person, so you cannot read them yet.';
const atAccess = 'You are at “Request access”: the facts are gathered and the assessment is complete.';
const atMessage = 'You are at “Private message”: the request to join the group was refused.';
const atColleague = 'You are at “Go through a colleague”: the private message got no answer.';
const insider = 'A colleague is a member of the group where the posts are, so they can pass the word to the person.';
const threatened = 'Threats were made; each one is recorded and raises the severity.';
const supportersSpeak = 'Supporters are speaking up for the organisation.';
const supportersCount = 'Number of times supporters have spoken up so far: 1.';
const atResolved = ['You are at “Resolved”: the conversation happened.', 'The call ended in an agreement.'];

const toAccess =
  'if the facts are gathered and the assessment is complete, then “Request access”: ask to join the group so you can read the posts first hand';
const toMessage =
  'if the access window of 24 hours runs out, or the request to join the group was accepted, or the request to join the group was refused, then “Private message”: message the person privately, asking them to get in touch and giving a number to call';
const messageNext = [
  'if the reply window of 24 hours runs out, or the private message got no answer, then “Go through a colleague”: ask the colleague who is in the group to suggest that the person contact the organisation directly',
  'if the person answered the private message, then “Phone call”: talk it through on the phone',
];
const colleagueNext = [
  'if the intermediary window of 2 days runs out, or the intermediary route failed, then “Monitor”: nothing more to push: watch, document, and stay reachable',
];

const gathering: Seen[] = [
  { title: 'Do not post back publicly yet', because: [atGathering], next: [toAccess], drafts: [] },
  { title: 'Complete the assessment', because: [atGathering, notKnown, outOfSight], next: [toAccess], drafts: [] },
];
const requesting: Seen[] = [
  { title: 'Ask to join the group, then wait for the answer', because: [atAccess, notKnown, outOfSight], next: [toMessage], drafts: [] },
];
const messaging: Seen[] = [
  { title: 'Message the person privately, then wait for the reply', because: [atMessage], next: messageNext, drafts: ['Private message'] },
];
const colleague: Seen = {
  title: 'Ask your colleague in the group to pass the word',
  because: [atColleague, insider],
  next: colleagueNext,
  drafts: ['Note for your colleague to pass on'],
};
const supporters: Seen = { title: 'Let your supporters speak', because: [supportersSpeak, supportersCount], next: [], drafts: [] };
const visit: Seen = {
  title: 'Brief the front desk and plan for a visit',
  because: [threatened, 'Someone threatened to come to the premises.'],
  next: [],
  drafts: [],
};
const policeReport: Seen = {
  title: 'Keep to the facts for a police report',
  because: [threatened, 'Someone threatened to file a police report.'],
  next: [],
  drafts: [],
};
const document = (threats: string): Seen => ({
  title: 'Brief staff and document everything',
  because: [threatened, `Threats recorded so far: ${threats}.`],
  next: [],
  drafts: [],
});
const call: Seen = {
  title: 'Call and listen',
  because: ['You are at “Phone call”: the person reached out on their own.'],
  next: [
    'if the conversation happened (the call ended in an agreement), then “Resolved”: the two sides talked it through and reached an agreement',
    'if the conversation happened (the call ended without an agreement), then “Monitor”: nothing more to push: watch, document, and stay reachable',
  ],
  drafts: ['Talking points for the call'],
};
const resolved: Seen[] = [
  { title: 'Keep your word', because: atResolved, next: [], drafts: ['Follow-up after the agreement'] },
  { title: 'Thank the people who helped', because: atResolved, next: [], drafts: [] },
  { title: 'Thank your supporters privately', because: [...atResolved, supportersCount], next: [], drafts: [] },
  { title: 'Review: what went well', because: atResolved, next: [], drafts: [] },
  { title: 'Review: where it escalated', because: atResolved, next: [], drafts: [] },
  { title: 'Update the playbook', because: atResolved, next: [], drafts: [] },
  { title: 'Keep the record', because: atResolved, next: [], drafts: [] },
];

/** What the responder sees after each event of the reference case, in order. */
const expected: [event: string, recommendations: Seen[]][] = [
  ['facts.update', gathering],
  ['assessment.complete', requesting],
  ['access.requested', requesting],
  ['access.denied', messaging],
  ['message.sent', messaging],
  ['message.ignored', [colleague]],
  ['intermediary.asked', [colleague]],
  ['community.supported', [colleague, supporters]],
  ['threat.reported', [colleague, visit, document('visit'), supporters]],
  ['threat.reported', [colleague, visit, policeReport, document('visit and police report'), supporters]],
  ['contact.received', [call, visit, policeReport, document('visit and police report'), supporters]],
  ['call.completed', resolved],
];

describe('the default playbook, read along the reference case', () => {
  const steps = alongTheReferenceCase();

  it('walks the twelve events of the reference case', () => {
    expect(steps.map((step) => step.event.type)).toEqual(expected.map(([event]) => event));
  });

  it.each(expected.map(([event, recommendations], index) => [index + 1, event, recommendations] as const))(
    'after event %i (%s): the recommendations, their reasons, their next lines and their drafts',
    (number, _event, recommendations) => {
      expect(steps[number - 1]!.recommendations.map(seen)).toEqual(recommendations);
    },
  );

  it('never gives the same reason twice for one recommendation', () => {
    for (const { recommendations } of steps) {
      for (const recommendation of recommendations) {
        const texts = recommendation.because.map((reason) => reason.text);
        expect(texts, recommendation.title).toEqual([...new Set(texts)]);
      }
    }
  });

  it('advises on each threat by kind, with a visit before a police report, and never tells to threaten back', () => {
    const [, visitAdvice, reportAdvice] = steps[9]!.recommendations;
    expect(visitAdvice!.detail).toBe(
      'Tell the people at the entrance who might come and what was said. Agree who greets them, where a calm conversation can happen away from other people, and when to call the police. Do not confront; offer to talk.',
    );
    expect(visitAdvice!.because.at(-1)).toMatchObject({ guard: 'hasVisitThreat', result: true, facts: { threats: ['visit', 'police-report'] } });
    expect(reportAdvice!.detail).toBe(
      'A report is theirs to make. Keep your own account factual and dated, keep the records a report would ask for, and tell your legal adviser. Do not mention the report in public.',
    );
    expect(reportAdvice!.because.at(-1)).toMatchObject({ guard: 'hasPoliceReportThreat', result: true });
    // No violence, no legal action, no other threat in the reference case: none of their advice.
    const titles = steps.flatMap((step) => step.recommendations.map((r) => r.title));
    expect(titles).not.toContain('Contact the authorities now');
    expect(titles).not.toContain('Prepare for legal action');
    expect(titles).not.toContain('Take the threat seriously, without escalating');
  });

  it('tells the responder to let the supporters speak and to thank them privately', () => {
    const advice = steps[7]!.recommendations[1]!;
    expect(advice.source).toEqual({ track: 'community', state: 'supported' });
    expect(advice.detail).toBe('A strong community defends you. Let them, thank them privately, and do not pile on in the thread.');
    expect(advice.because[1]).toMatchObject({ guard: 'hasSupporters', result: true, facts: { supporters: 1 } });
    const thanks = steps[11]!.recommendations.find((r) => r.title === 'Thank your supporters privately')!;
    expect(thanks.detail).toBe(
      'The people who spoke up for you did so on their own time. Thank them privately, not in the thread, so the matter is not stirred up again.',
    );
  });

  it('fills the drafts with the values given, and never claims the responder saw posts she could not see', () => {
    const drafts = new Map(steps.flatMap((step) => step.recommendations.flatMap((r) => r.drafts.map((draft) => [draft.title, draft] as const))));
    expect([...drafts.keys()]).toEqual([
      'Private message',
      'Note for your colleague to pass on',
      'Talking points for the call',
      'Follow-up after the agreement',
    ]);
    expect(drafts.get('Private message')).toEqual({
      title: 'Private message',
      text: 'Hello Sam, this is Ana from Corner Shop. I understand that you are upset about what happened, and I would like to hear about it from you directly. Could you call me on +44 20 7946 0000, or reply with a number and a good time to call you? Thank you.',
      missing: [],
    });
    // The colleague's name was recorded as personal: left as a slot unless the app asks for it.
    expect(drafts.get('Note for your colleague to pass on')).toEqual({
      title: 'Note for your colleague to pass on',
      text: 'Hi [colleague], could you help us with the posts about us in the group? Sam has not answered our message. Could you suggest to them, privately or in one short comment, that they contact us directly on +44 20 7946 0000, so that we can talk it through? Please do not argue or defend us in the thread: just pass the word. Thank you.',
      missing: ['intermediary'],
    });
    expect(drafts.get('Talking points for the call')).toEqual({
      title: 'Talking points for the call',
      text: [
        '1. Thank them for taking the time to talk, and say who you are.',
        '2. Ask what happened, and listen to the end without interrupting.',
        '3. Say back what you heard, so they know you understood.',
        '4. Where the organisation got it wrong, apologise plainly, without a "but".',
        '5. Give your side briefly, only once they feel heard.',
        '6. Agree on what happens next, who does it and by when.',
        '7. Give them a direct number for later: +44 20 7946 0000.',
      ].join('\n'),
      missing: [],
    });
    expect(drafts.get('Follow-up after the agreement')).toEqual({
      title: 'Follow-up after the agreement',
      text: 'Hello Sam, thank you again for talking it through with me. As agreed, [what was agreed, who does it, and by when]. If anything comes up, you can reach me directly on +44 20 7946 0000. — Ana, Corner Shop',
      // What was agreed is the app's to give: until it does, the slot is listed, so that no app sends it unfilled.
      missing: ['values.agreement'],
    });
    // Given, it is written in.
    const incident = createIncident(crisisMachine).start();
    for (const event of referenceCase) incident.send(event);
    const agreed = recommend(incident.getSnapshot(), { values: { ...values, agreement: 'we replace the order by Friday' } })
      .flatMap((r) => r.drafts)
      .find((draft) => draft.title === 'Follow-up after the agreement')!;
    incident.stop();
    expect(agreed.text).toContain('As agreed, we replace the order by Friday. If anything comes up');
    expect(agreed.missing).toEqual([]);
  });

  it('writes no identifier meant for code in any reason, next line, detail or draft', () => {
    const texts = steps.flatMap(({ recommendations }) =>
      recommendations.flatMap((r) => [
        r.title,
        r.detail,
        ...r.because.map((reason) => reason.text),
        ...r.next.flatMap((step) => [step.if, step.then, ...step.because.map((reason) => reason.text)]),
        ...r.drafts.flatMap((draft) => [draft.title, draft.text]),
      ]),
    );
    expect(texts.length).toBeGreaterThan(100);
    const forCode = [
      /\b[a-z]+[A-Z]\w*/, // camelCase names: hasInsiderInVenue, replyWindow
      /[=!<>]=|\s=\s|\w=\w/, // comparisons: venue = "private-group"
      /\b[a-z]+\.[a-z]+\b/, // dotted event types and paths: message.ignored, values.phone
      /\b(?:true|false|undefined|null)\b/, // values as code writes them
      /[{}]/, // placeholders left unfilled
    ];
    for (const text of texts) for (const pattern of forCode) expect(text, text).not.toMatch(pattern);
  });
});
