import { describe, expect, it } from 'vitest';
import { createIncident, crisisMachine, defaultPlaybook, type PlaybookDefinition, recommend } from 'crisis-playbook';
import { compilePlaybook, extendPlaybook, missingTranslations, playbookTexts, safeParsePlaybook } from 'crisis-playbook/authoring';
import { defaultPlaybookFr } from 'crisis-playbook/fr';
import { referenceCase } from '../examples/reference-case/events.js';

const values = { organisation: 'Corner Shop', phone: '+44 20 7946 0000', person: 'Sam', responder: 'Ana' };

/** The drafts a responder sees after each event of the reference case, by title. */
function draftsAlongTheReferenceCase(options: Parameters<typeof recommend>[1]) {
  const incident = createIncident(crisisMachine).start();
  const seen: { after: string; rung: string; title: string; text: string; missing: readonly string[] }[] = [];
  for (const event of referenceCase) {
    incident.send(event);
    const snapshot = incident.getSnapshot();
    for (const item of recommend(snapshot, options)) {
      for (const draft of item.drafts) seen.push({ after: event.type, rung: item.source.state, ...draft });
    }
  }
  return seen;
}

describe('drafts', () => {
  it('offers the private message, the note for the colleague, the talking points and the follow-up along the reference case', () => {
    const seen = draftsAlongTheReferenceCase({ values });
    const byRung = new Map(seen.map((draft) => [draft.rung, draft.title]));
    expect([...byRung]).toEqual([
      ['directMessage', 'Private message'],
      ['intermediary', 'Note for your colleague to pass on'],
      ['phoneCall', 'Talking points for the call'],
      ['resolved', 'Follow-up after the agreement'],
    ]);
    const message = seen.find((draft) => draft.title === 'Private message')!;
    expect(message.text).toBe(
      'Hello Sam, this is Ana from Corner Shop. I understand that you are upset about what happened, and I would like to hear about it from you directly. Could you call me on +44 20 7946 0000, or reply with a number and a good time to call you? Thank you.',
    );
    expect(message.missing).toEqual([]);
    expect(seen.find((draft) => draft.title === 'Talking points for the call')!.text).toMatch(/^1\. Thank them for taking the time to talk, and say who you are\.\n[\s\S]*\n7\. Give them a direct number for later: \+44 20 7946 0000\.$/);
  });

  it('gives a holding line for the public thread only when the posts are public', () => {
    const titlesWith = (venue: 'public-group' | 'private-group' | 'personal-feed') => {
      const incident = createIncident(crisisMachine).start();
      incident.send({ type: 'facts.update', facts: { venue } });
      return recommend(incident.getSnapshot()).flatMap((item) => item.drafts.map((draft) => draft.title));
    };
    expect(titlesWith('public-group')).toEqual(['Holding line, if you must answer in public']);
    expect(titlesWith('personal-feed')).toEqual(['Holding line, if you must answer in public']);
    expect(titlesWith('private-group')).toEqual([]);
  });

  it('gives no public holding line once a legal or violent threat was made (public replies wait), and still does after another threat', () => {
    const titlesAfter = (kind: 'legal-action' | 'violence' | 'visit') => {
      const incident = createIncident(crisisMachine).start();
      incident.send({ type: 'facts.update', facts: { venue: 'public-group' } });
      incident.send({ type: 'threat.reported', kind });
      const titles = recommend(incident.getSnapshot()).flatMap((item) => item.drafts.map((draft) => draft.title));
      incident.stop();
      return titles;
    };
    expect(titlesAfter('legal-action')).not.toContain('Holding line, if you must answer in public');
    expect(titlesAfter('violence')).not.toContain('Holding line, if you must answer in public');
    expect(titlesAfter('visit')).toContain('Holding line, if you must answer in public');
  });

  it('writes the fallback, or a slot to fill, when a value is missing, and lists what was missing', () => {
    const incident = createIncident(crisisMachine).start();
    incident.send({ type: 'assessment.complete' });
    const [draft] = recommend(incident.getSnapshot(), { values: { phone: '555 0100' } })[0]!.drafts;
    expect(draft!.text).toMatch(/^Hello there, this is \[your name\] from \[organisation\]\. .* call me on 555 0100,/);
    expect(draft!.missing).toEqual(['values.person', 'values.responder', 'values.organisation']);
  });

  it('leaves personal data the incident recorded out of drafts unless the app asks for it', () => {
    const incident = createIncident(crisisMachine).start();
    for (const event of referenceCase.slice(0, 7)) incident.send(event); // up to intermediary.asked { name: 'Ben' }
    expect(incident.getSnapshot().context.intermediary).toBe('Ben');
    const note = (includePersonal: boolean) => recommend(incident.getSnapshot(), { values, includePersonal })[0]!.drafts[0]!;
    expect(note(false).text).toMatch(/^Hi \[colleague\], could you help us with the posts about us in the group\? Sam has not answered our message\./);
    expect(note(false).text).not.toContain('Ben');
    expect(note(false).missing).toEqual(['intermediary']);
    expect(note(true).text).toMatch(/^Hi Ben, could you help us with the posts about us in the group\?/);
    expect(note(true).missing).toEqual([]);
  });

  it('checks the placeholders of drafts', () => {
    const playbook = {
      ...defaultPlaybook,
      ladder: {
        ...defaultPlaybook.ladder,
        rungs: defaultPlaybook.ladder.rungs.map((rung) =>
          rung.id === 'phoneCall'
            ? { ...rung, advice: [{ ...rung.advice[0]!, drafts: [{ title: 'Call', text: 'Call {values.person} on {replyPhone|their number}; {context.closeReason}, {event.kind}.' }] }] }
            : rung,
        ),
      },
    };
    const result = safeParsePlaybook(playbook);
    expect(result.success).toBe(false);
    if (result.success) return;
    const phoneCall = defaultPlaybook.ladder.rungs.findIndex((rung) => rung.id === 'phoneCall');
    const where = `ladder.rungs.${phoneCall}.advice.0.drafts.0.text`;
    expect(result.error.issues.map((issue) => [issue.code, issue.path.join('.')])).toEqual([
      ['unknown_placeholder', where],
      ['unknown_placeholder', where],
    ]);
    expect(result.error.issues[0]!.message).toMatch(/^Unknown placeholder "\{context\.closeReason\}"; expected one of .*"\{values\.<name>\}"$/);
    expect(result.error.issues[1]!.message).toMatch(/^Unknown placeholder "\{event\.kind\}"; expected one of "\{threats\}"/);
  });
});

describe('languages', () => {
  it("reads a playbook's translation for a regional or capitalised locale (fr-CA, FR), as it gets the language's phrases", () => {
    const machine = compilePlaybook({ ...defaultPlaybook, translations: { fr: defaultPlaybookFr } });
    const incident = createIncident(machine).start();
    incident.send({ type: 'assessment.complete' });
    const french = recommend(incident.getSnapshot(), { locale: 'fr' });
    for (const locale of ['fr-CA', 'FR', 'fr-ca']) expect(recommend(incident.getSnapshot(), { locale }), locale).toEqual(french);
    expect(french[0]!.title).toBe(defaultPlaybookFr[recommend(incident.getSnapshot())[0]!.title as keyof typeof defaultPlaybookFr]);
    incident.stop();
  });

  it('has every text of the default playbook in French', () => {
    expect(missingTranslations({ ...defaultPlaybook, translations: { fr: defaultPlaybookFr } }, 'fr')).toEqual([]);
    // No stale entries either: every French entry translates a text of the playbook.
    const texts = new Set(playbookTexts(defaultPlaybook));
    expect(Object.keys(defaultPlaybookFr).filter((text) => !texts.has(text))).toEqual([]);
    // Placeholders survive translation.
    for (const [english, french] of Object.entries(defaultPlaybookFr)) {
      const names = (text: string) => [...text.matchAll(/\{([\w.]+)/g)].map((match) => match[1]).sort();
      expect(names(french), english).toEqual(names(english));
    }
  });

  it('writes advice, reasons, next lines and drafts in French', () => {
    const incident = createIncident(crisisMachine).start();
    for (const event of referenceCase.slice(0, 4)) incident.send(event); // → directMessage, after access.denied
    incident.send({ type: 'threat.reported', kind: 'police-report' });
    const advice = recommend(incident.getSnapshot(), { locale: 'fr', translations: defaultPlaybookFr, values });
    expect(advice.map((item) => item.title)).toEqual([
      'Écrivez à la personne en privé, puis attendez sa réponse',
      'Tenez-vous aux faits en cas de plainte',
      'Informez le personnel et documentez tout',
    ]);
    const [message, , brief] = advice;
    expect(message!.because.map((reason) => reason.text)).toEqual([
      'Vous en êtes à « Message privé » : la demande pour rejoindre le groupe a été refusée.',
    ]);
    expect(message!.next[0]!.if).toBe('le délai de réponse de 24 heures s’écoule, ou le message privé est resté sans réponse');
    expect(message!.next[0]!.then).toBe(
      '« Passer par un collègue » : demander au collègue qui est dans le groupe de suggérer à la personne de contacter directement l’organisation',
    );
    expect(message!.drafts[0]!.text).toMatch(/^Bonjour Sam, je suis Ana, de Corner Shop\./);
    expect(brief!.because[1]!.text).toBe('Menaces notées jusqu’ici : plainte.');
  });

  it('lets a playbook add its own language: its texts translated, the library’s phrases in English, the rest left in English', () => {
    const german: PlaybookDefinition = {
      ...defaultPlaybook,
      translations: { de: { 'Call and listen': 'Anrufen und zuhören', 'Phone call': 'Telefonat', 'The person reached out on their own.': 'Die Person hat sich von selbst gemeldet.' } },
    };
    const incident = createIncident(compilePlaybook(german)).start();
    incident.send({ type: 'contact.received', channel: 'phone' } as never);
    const [first] = recommend(incident.getSnapshot(), { locale: 'de' });
    expect(first!.title).toBe('Anrufen und zuhören');
    expect(first!.detail).toMatch(/^Let them tell their story/);
    expect(first!.because[0]!.text).toBe('You are at “Telefonat”: die Person hat sich von selbst gemeldet.');
    expect(missingTranslations(german, 'de')).not.toContain('Call and listen');
    expect(missingTranslations(german, 'de')).toContain('Gather information');
    // A builder can add the translations too.
    const built = extendPlaybook(defaultPlaybook).build();
    expect(safeParsePlaybook({ ...built, translations: { 'de-CH': { Monitor: 'Beobachten' } } }).success).toBe(true);
    expect(safeParsePlaybook({ ...built, translations: { German: { Monitor: 'Beobachten' } } }).success).toBe(false);
  });
});
