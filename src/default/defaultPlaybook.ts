import { definePlaybook } from '../definition/definePlaybook.js';

const threatKinds = ['visit', 'police-report', 'legal-action', 'violence', 'other'] as const;
const contactChannels = ['phone', 'message', 'email', 'in-person'] as const;

/** The review after an incident ends, resolved or closed: thanks, what went well, where it escalated, what to change. */
const reviewChecklist = [
  {
    title: 'Thank the people who helped',
    detail:
      'Thank the colleagues who passed the word or stood by, in person and soon: they carried part of the load.',
    priority: 21,
  },
  {
    title: 'Thank your supporters privately',
    detail:
      'The people who spoke up for you did so on their own time. Thank them privately, not in the thread, so the matter is not stirred up again.',
    priority: 22,
    when: 'hasSupporters',
    because: ['hasSupporters'],
  },
  {
    title: 'Review: what went well',
    detail:
      'Within a week, talk it through with everyone involved: which step brought the person closer (the private message, the colleague, the call) and what you would do again.',
    priority: 30,
  },
  {
    title: 'Review: where it escalated',
    detail:
      'Find the moments it got worse or stalled (a public reply, a slow answer, a threat) and what would have caught them earlier. Compare the time to the first response and to the first direct contact with your targets.',
    priority: 31,
  },
  {
    title: 'Update the playbook',
    detail:
      'Turn what you learned into changes: a waiting window that was too long or too short, a contact who was missing, wording that worked. Tell the team what changed.',
    priority: 32,
  },
] as const;

/**
 * The default crisis playbook as plain data: gather information → request access → private
 * message → intermediary → phone call → resolution, with the community and safety side
 * tracks (see "The default playbook" in the concepts guide). Compiled into
 * {@link crisisMachine}.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 *
 * console.log(defaultPlaybook.ladder.rungs.map((rung) => rung.id).join(' → '));
 * ```
 *
 * @category Default playbook
 */
export const defaultPlaybook = definePlaybook({
  id: 'crisis',
  version: '1.0.0',
  title: 'Social-media crisis: the escalation ladder',
  description:
    'Move an angry online conversation, rung by rung, to a direct human channel until the two sides can talk it through.',
  events: {
    'facts.update': {
      description: 'Record what is known about the incident.',
      payload: { facts: { type: 'facts', question: 'What do you know about the incident?' } },
    },
    'assessment.complete': { description: 'The facts are gathered and the assessment is complete.' },
    'access.requested': { description: 'Asked to join the group where the posts are.' },
    'access.granted': { description: 'The request to join the group was accepted.' },
    'access.denied': { description: 'The request to join the group was refused.' },
    'message.sent': { description: 'A private message was sent to the upset person.', directContact: true },
    'message.ignored': { description: 'The private message got no answer.' },
    'message.replied': {
      description: 'The person answered the private message.',
      directContact: true,
      payload: {
        phone: {
          type: 'string',
          optional: true,
          maxLength: 40,
          personal: true,
          question: 'Which phone number did they give you?',
        },
      },
    },
    'intermediary.asked': {
      description: 'A colleague in the group was asked to pass the word.',
      payload: {
        name: {
          type: 'string',
          optional: true,
          maxLength: 120,
          personal: true,
          question: 'Which colleague did you ask to pass the word?',
        },
      },
    },
    'intermediary.declined': { description: 'The intermediary route failed.' },
    'contact.received': {
      description: 'The person reached out on their own.',
      directContact: true,
      payload: { channel: { type: 'enum', values: contactChannels, question: 'How did the person reach out?' } },
    },
    'call.completed': {
      description: 'The conversation happened.',
      directContact: true,
      payload: {
        apology: { type: 'boolean', question: 'Did the organisation apologise?' },
        agreement: { type: 'boolean', question: 'Did you reach an agreement with the person?' },
      },
    },
    'community.supported': {
      description: 'Supporters spoke up for the organisation.',
      payload: {
        note: {
          type: 'string',
          optional: true,
          maxLength: 2000,
          personal: true,
          question: 'What did the supporters say?',
        },
      },
    },
    'threat.reported': {
      description: 'A threat was made.',
      payload: {
        kind: { type: 'enum', values: threatKinds, question: 'What did they threaten to do?' },
        note: {
          type: 'string',
          optional: true,
          maxLength: 2000,
          personal: true,
          question: 'What exactly was said, and where?',
        },
      },
    },
    'incident.closed': {
      description: 'The responder closes the incident.',
      payload: {
        reason: { type: 'string', maxLength: 500, personal: true, question: 'Why are you closing the incident?' },
      },
    },
  },
  guards: {
    isPosterKnown: {
      description: 'The responder knows the upset person.',
      condition: { path: 'facts.knowsPoster', equals: true },
      reason: {
        true: 'You know the person who posted, so the quickest way is to call them.',
        false: 'You do not know the person who posted, so you will have to reach them another way.',
        unknown: 'You have not recorded yet whether you know the person who posted.',
      },
    },
    arePostsOutOfSight: {
      description:
        'The posts are in a private group the responder is not in, did not witness and cannot see through a connection.',
      condition: {
        all: [
          { path: 'facts.venue', equals: 'private-group' },
          { path: 'facts.memberOfVenue', equals: false },
          { path: 'facts.witnessed', equals: false },
          { path: 'facts.connectedToPoster', equals: false },
        ],
      },
      reason: {
        true: 'The posts are in a private group you are not a member of, and you neither saw them nor are connected to the person, so you cannot read them yet.',
        false: 'You can see the posts without asking to join a group (where they are: {facts.venue}): they are not in a private group you are shut out of, or you saw them, or you are connected to the person who posted.',
        unknown: 'You have not recorded yet all that says whether you can see the posts: where they are, whether you are a member there, whether you saw them, whether you are connected to the person who posted.',
      },
    },
    hasInsiderInVenue: {
      description: 'Someone else in the organisation is a member of the group.',
      condition: { path: 'facts.insiderInVenue', equals: true },
      reason: {
        true: 'A colleague is a member of the group where the posts are, so they can pass the word to the person.',
        false: 'No one else in the organisation is in the group where the posts are.',
        unknown: 'You have not recorded yet whether a colleague is in the group where the posts are.',
      },
    },
    isAgreementReached: {
      description: 'The call ended in an agreement.',
      condition: { path: 'event.agreement', equals: true },
      reason: { true: 'The call ended in an agreement.', false: 'The call ended without an agreement.' },
    },
    hasThreats: {
      description: 'At least one threat was made.',
      condition: { path: 'threats', atLeast: 1 },
      reason: { true: 'Threats recorded so far: {threats}.', false: 'No threats have been made.' },
    },
    hasSupporters: {
      description: 'Supporters spoke up for the organisation at least once.',
      condition: { path: 'supporters', atLeast: 1 },
      reason: {
        true: 'Number of times supporters have spoken up so far: {supporters}.',
        false: 'No one has spoken up for the organisation yet.',
      },
    },
    hasViolenceThreat: {
      description: 'A threat of violence was made.',
      condition: { path: 'threats', includes: 'violence' },
      reason: { true: 'Someone threatened violence.', false: 'No one has threatened violence.' },
    },
    hasVisitThreat: {
      description: 'Someone threatened to come to the premises.',
      condition: { path: 'threats', includes: 'visit' },
      reason: { true: 'Someone threatened to come to the premises.', false: 'No one has threatened to come by.' },
    },
    hasPoliceReportThreat: {
      description: 'Someone threatened to file a police report.',
      condition: { path: 'threats', includes: 'police-report' },
      reason: { true: 'Someone threatened to file a police report.', false: 'No one has threatened a police report.' },
    },
    hasLegalThreat: {
      description: 'Someone threatened legal action.',
      condition: { path: 'threats', includes: 'legal-action' },
      reason: { true: 'Someone threatened legal action.', false: 'No one has threatened legal action.' },
    },
    hasOtherThreat: {
      description: 'A threat of another kind was made.',
      condition: { path: 'threats', includes: 'other' },
      reason: { true: 'A threat of another kind was made.', false: 'No threat of another kind was made.' },
    },
  },
  windows: {
    accessWindow: {
      description: 'How long to wait for an answer to the request to join the group.',
      duration: '24h',
    },
    replyWindow: { description: 'How long to wait for a reply to the private message.', duration: '24h' },
    intermediaryWindow: {
      description: 'How long to wait for the intermediary to get a result.',
      duration: '48h',
    },
  },
  ladder: {
    initial: 'gatheringInfo',
    description: 'The escalation ladder: from learning the facts to talking it through.',
    fromEveryRung: [
      {
        event: 'contact.received',
        target: 'phoneCall',
        description: 'The person reached out: talking beats posting.',
      },
      {
        event: 'facts.update',
        actions: ['updateFacts'],
        description: 'Record what is known.',
      },
      {
        event: 'incident.closed',
        target: 'closed',
        actions: ['recordClosure'],
        description: 'The responder closes the incident.',
      },
    ],
    rungs: [
      {
        id: 'gatheringInfo',
        title: 'Gather information',
        description: 'Learn the facts before responding: who, where, and whether you can see the posts.',
        tags: ['needs-action'],
        advice: [
          {
            title: 'Do not post back publicly yet',
            detail:
              'Learn the facts first: did you see the posts, do you know the person, are you connected, where were they posted, and is anyone in the organisation in that group?',
            priority: 20,
            drafts: [
              {
                title: 'Holding line, if you must answer in public',
                text: 'Thank you for telling us. We take this seriously and want to understand what happened. Please send us a private message or call {values.phone|us}, so that we can talk it through directly. — {values.organisation|The team}',
                // Not once a legal or violent threat was made: public replies wait for the lawyers, or for safety.
                when: { all: [{ path: 'facts.venue', in: ['personal-feed', 'public-group'] }, { not: 'hasLegalThreat' }, { not: 'hasViolenceThreat' }] },
              },
            ],
          },
          {
            title: 'Complete the assessment',
            detail: 'When the facts are recorded, mark the assessment complete to be routed to the next rung.',
            priority: 21,
            because: ['isPosterKnown', 'arePostsOutOfSight'],
          },
        ],
        on: [
          {
            event: 'assessment.complete',
            target: 'phoneCall',
            guard: 'isPosterKnown',
            description: 'You know the person: call them.',
          },
          {
            event: 'assessment.complete',
            target: 'requestingAccess',
            guard: 'arePostsOutOfSight',
            description: 'The posts are out of sight: ask to see them.',
          },
          {
            event: 'assessment.complete',
            target: 'directMessage',
            description: 'Message the person directly.',
          },
        ],
      },
      {
        id: 'requestingAccess',
        title: 'Request access',
        description: 'Ask to join the group so you can read the posts first hand.',
        tags: ['needs-action', 'waiting'],
        advice: [
          {
            title: 'Ask to join the group, then wait for the answer',
            detail:
              'Request membership of the group to read the posts yourself. Whatever the answer (or none within the access window), message the person privately next.',
            priority: 20,
            because: ['arePostsOutOfSight'],
          },
        ],
        on: [
          {
            event: 'access.requested',
            target: 'requestingAccess',
            reenter: true,
            description: 'The request is on its way: the access window starts now.',
          },
          {
            event: 'access.granted',
            target: 'directMessage',
            actions: ['recordAccessGranted'],
            description: 'You can now read the posts.',
          },
          { event: 'access.denied', target: 'directMessage', description: 'Refused: message the person.' },
        ],
        after: [
          {
            window: 'accessWindow',
            target: 'directMessage',
            description: 'No answer in time: message the person.',
          },
        ],
      },
      {
        id: 'directMessage',
        title: 'Private message',
        description: 'Message the person privately, asking them to get in touch and giving a number to call.',
        tags: ['needs-action', 'waiting'],
        advice: [
          {
            title: 'Message the person privately, then wait for the reply',
            detail:
              'Acknowledge that they are upset, ask them to get in touch, and give a phone number they can call. Keep it short and human; do not argue. No reply within the reply window counts as ignored.',
            priority: 20,
            drafts: [
              {
                title: 'Private message',
                text: 'Hello {values.person|there}, this is {values.responder|[your name]} from {values.organisation|[organisation]}. I understand that you are upset about what happened, and I would like to hear about it from you directly. Could you call me on {values.phone|[phone number]}, or reply with a number and a good time to call you? Thank you.',
              },
            ],
          },
        ],
        on: [
          {
            event: 'message.sent',
            target: 'directMessage',
            reenter: true,
            description: 'Sent: the reply window starts now.',
          },
          {
            event: 'message.replied',
            target: 'phoneCall',
            actions: ['recordReply'],
            description: 'They answered: call them.',
          },
          {
            event: 'message.ignored',
            target: 'intermediary',
            guard: 'hasInsiderInVenue',
            description: 'No answer, but a colleague is in the group.',
          },
          { event: 'message.ignored', target: 'monitoring', description: 'No answer and no one in the group.' },
        ],
        after: [
          {
            window: 'replyWindow',
            target: 'intermediary',
            guard: 'hasInsiderInVenue',
            description: 'No reply in time, but a colleague is in the group.',
          },
          { window: 'replyWindow', target: 'monitoring', description: 'No reply in time and no one in the group.' },
        ],
      },
      {
        id: 'intermediary',
        title: 'Go through a colleague',
        description:
          'Ask the colleague who is in the group to suggest that the person contact the organisation directly.',
        tags: ['needs-action', 'waiting'],
        advice: [
          {
            title: 'Ask your colleague in the group to pass the word',
            detail:
              'They should not argue in the thread: only suggest, privately or briefly, that the person contact the organisation directly.',
            priority: 20,
            drafts: [
              {
                title: 'Note for your colleague to pass on',
                text: 'Hi {intermediary|[colleague]}, could you help us with the posts about us in the group? {values.person|The person who posted them} has not answered our message. Could you suggest to them, privately or in one short comment, that they contact us directly on {values.phone|[phone number]}, so that we can talk it through? Please do not argue or defend us in the thread: just pass the word. Thank you.',
              },
            ],
            because: ['hasInsiderInVenue'],
          },
        ],
        on: [
          {
            event: 'intermediary.asked',
            target: 'intermediary',
            reenter: true,
            actions: ['recordIntermediary'],
            description: 'The colleague is passing the word: the intermediary window starts now.',
          },
          { event: 'intermediary.declined', target: 'monitoring', description: 'The intermediary route failed.' },
        ],
        after: [
          {
            window: 'intermediaryWindow',
            target: 'monitoring',
            description: 'No result in time: keep watching.',
          },
        ],
      },
      {
        id: 'phoneCall',
        title: 'Phone call',
        description: 'Talk it through on the phone.',
        tags: ['needs-action'],
        advice: [
          {
            title: 'Call and listen',
            detail:
              'Let them tell their story before explaining yours. Where the organisation got it wrong, apologise plainly; aim for an agreement you can both keep.',
            priority: 20,
            drafts: [
              {
                title: 'Talking points for the call',
                text: '1. Thank them for taking the time to talk, and say who you are.\n2. Ask what happened, and listen to the end without interrupting.\n3. Say back what you heard, so they know you understood.\n4. Where the organisation got it wrong, apologise plainly, without a "but".\n5. Give your side briefly, only once they feel heard.\n6. Agree on what happens next, who does it and by when.\n7. Give them a direct number for later: {values.phone|[phone number]}.',
              },
            ],
          },
        ],
        on: [
          {
            event: 'call.completed',
            target: 'resolved',
            guard: 'isAgreementReached',
            actions: ['recordCall'],
            description: 'Agreement reached.',
          },
          {
            event: 'call.completed',
            target: 'monitoring',
            actions: ['recordCall'],
            description: 'No agreement: keep watching.',
          },
        ],
      },
      {
        id: 'monitoring',
        title: 'Monitor',
        description: 'Nothing more to push: watch, document, and stay reachable.',
        tags: ['waiting'],
        advice: [
          {
            title: 'Watch, document, stay reachable',
            detail:
              'Keep copies of the posts, note what was said and when, and make sure the person can still reach you. Close the incident when it has died down.',
            priority: 20,
          },
        ],
      },
      {
        id: 'resolved',
        title: 'Resolved',
        description: 'The two sides talked it through and reached an agreement.',
        final: true,
        tags: ['final'],
        advice: [
          {
            title: 'Keep your word',
            detail: 'Do what was agreed, and thank the people who helped.',
            priority: 20,
            drafts: [
              {
                title: 'Follow-up after the agreement',
                text: 'Hello {values.person|there}, thank you again for talking it through with me. As agreed, {values.agreement|[what was agreed, who does it, and by when]}. If anything comes up, you can reach me directly on {values.phone|[phone number]}. — {values.responder|[your name]}, {values.organisation|[organisation]}',
              },
            ],
          },
          ...reviewChecklist,
          {
            title: 'Keep the record',
            detail:
              'Keep the timeline, copies of the posts and notes of the call where only the people who need them can read them, for as long as your policy says; delete personal data you no longer need.',
            priority: 33,
          },
        ],
      },
      {
        id: 'closed',
        title: 'Closed',
        description: 'The responder closed the incident.',
        final: true,
        tags: ['final'],
        advice: [
          {
            title: 'Keep the record',
            detail: 'Keep the timeline and copies of the posts in case the matter comes back.',
            priority: 20,
          },
          ...reviewChecklist,
        ],
      },
    ],
  },
  tracks: [
    {
      id: 'community',
      title: 'Community',
      description: 'Followers posting in support of the organisation.',
      initial: 'quiet',
      states: [
        {
          id: 'quiet',
          title: 'Community quiet',
          description: 'No one has spoken up for the organisation yet.',
          tags: ['quiet'],
          advice: [],
          on: [
            {
              event: 'community.supported',
              target: 'supported',
              actions: ['recordSupport'],
              description: 'Supporters spoke up.',
            },
          ],
        },
        {
          id: 'supported',
          title: 'Community supportive',
          description: 'Supporters are speaking up for the organisation.',
          tags: ['supported'],
          advice: [
            {
              title: 'Let your supporters speak',
              detail:
                'A strong community defends you. Let them, thank them privately, and do not pile on in the thread.',
              priority: 30,
              because: ['hasSupporters'],
            },
          ],
          on: [
            { event: 'community.supported', actions: ['recordSupport'], description: 'More supporters spoke up.' },
          ],
        },
      ],
    },
    {
      id: 'safety',
      title: 'Safety',
      description: 'Threats: a visit, a police report, legal action, violence.',
      initial: 'none',
      states: [
        {
          id: 'none',
          title: 'No threats',
          description: 'No threats have been made.',
          tags: ['no-threats'],
          advice: [],
          on: [
            {
              event: 'threat.reported',
              target: 'threatened',
              actions: ['recordThreat'],
              description: 'A threat was made.',
            },
          ],
        },
        {
          id: 'threatened',
          title: 'Threatened',
          description: 'Threats were made; each one is recorded and raises the severity.',
          tags: ['threatened', 'severity-raised'],
          advice: [
            {
              title: 'Contact the authorities now',
              detail:
                'A threat of violence was made. Call the police, keep staff safe, and keep every post and message as evidence.',
              priority: 0,
              when: 'hasViolenceThreat',
              because: ['hasViolenceThreat'],
            },
            {
              title: 'Brief the front desk and plan for a visit',
              detail:
                'Tell the people at the entrance who might come and what was said. Agree who greets them, where a calm conversation can happen away from other people, and when to call the police. Do not confront; offer to talk.',
              priority: 22,
              when: 'hasVisitThreat',
              because: ['hasVisitThreat'],
            },
            {
              title: 'Prepare for legal action',
              detail:
                'Pass everything to your legal adviser before anything else is said. Pause public replies on the matter until they have reviewed it; keep talking privately only about putting things right.',
              priority: 23,
              when: 'hasLegalThreat',
              because: ['hasLegalThreat'],
            },
            {
              title: 'Keep to the facts for a police report',
              detail:
                'A report is theirs to make. Keep your own account factual and dated, keep the records a report would ask for, and tell your legal adviser. Do not mention the report in public.',
              priority: 24,
              when: 'hasPoliceReportThreat',
              because: ['hasPoliceReportThreat'],
            },
            {
              title: 'Take the threat seriously, without escalating',
              detail:
                'Ask a colleague to read the threat with you and decide whether anyone needs to be warned. Answer calmly, if at all, and do not threaten back.',
              priority: 26,
              when: 'hasOtherThreat',
              because: ['hasOtherThreat'],
            },
            {
              title: 'Brief staff and document everything',
              detail:
                'Tell the people who might be affected what was threatened, keep screenshots with dates, and record every contact. Keep working the ladder: threats often come just before a call.',
              priority: 25,
              because: ['hasThreats'],
            },
          ],
          on: [
            { event: 'threat.reported', actions: ['recordThreat'], description: 'Another threat was made.' },
          ],
        },
      ],
    },
  ],
  severity: {
    levels: [
      {
        id: 'low',
        title: 'Low',
        description: 'One person is upset; nothing recorded puts the posts in public view',
        respondWithin: '24h',
      },
      {
        id: 'medium',
        title: 'Medium',
        description: 'The posts are public, so others can join in',
        respondWithin: '4h',
        advice: [
          {
            title: 'Acknowledge within four hours',
            detail: 'Public posts draw others in: a first, calm acknowledgement within four hours keeps the thread from filling the silence. Then move the conversation to a private channel.',
            priority: 10,
          },
        ],
      },
      {
        id: 'high',
        title: 'High',
        description: 'Threats were made',
        respondWithin: '1h',
        advice: [
          {
            title: 'Make the first response within the hour',
            detail: 'With threats on the table, a quick, calm first step lowers the temperature: get a direct line open within the hour, and tell whoever is on duty.',
            priority: 5,
          },
        ],
      },
      {
        id: 'critical',
        title: 'Critical',
        description: 'Someone may be in danger',
        respondWithin: '15m',
        advice: [
          {
            title: 'Act within 15 minutes',
            detail: 'Put everything else aside. Safety first: the authorities, the people on site, then the person who threatened, through a direct channel.',
            priority: 1,
          },
        ],
      },
    ],
    rules: [
      { when: { path: 'facts.venue', in: ['personal-feed', 'public-group'] }, level: 'medium' },
      { when: 'hasThreats', level: 'high' },
      { when: 'hasViolenceThreat', level: 'critical' },
    ],
  },
});

/**
 * The type of {@link defaultPlaybook}, for generic helpers.
 *
 * @example
 * ```ts
 * import type { DefaultPlaybook, RungOf } from 'crisis-playbook';
 *
 * type DefaultRung = RungOf<DefaultPlaybook>;
 * ```
 *
 * @category Default playbook
 */
export type DefaultPlaybook = typeof defaultPlaybook;
