/**
 * The default playbook in French: every text `playbookTexts(defaultPlaybook)` lists, keyed by its
 * English form, as a playbook's `translations` hold them. Pass it to `recommend` with
 * `locale: 'fr'` (the library writes its own phrases in French too), or put it in a definition
 * built on the default playbook (`translations: { fr: defaultPlaybookFr }`).
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine, recommend } from 'crisis-playbook';
 * import { defaultPlaybookFr } from 'crisis-playbook/fr';
 *
 * const incident = createIncident(crisisMachine).start();
 * const [first] = recommend(incident.getSnapshot(), { locale: 'fr', translations: defaultPlaybookFr });
 * console.log(first?.title); // 'Ne répondez pas encore en public'
 * incident.stop();
 * ```
 *
 * @category Default playbook
 */
export const defaultPlaybookFr: Readonly<Record<string, string>> = {
  // Rungs and their advice.
  'Gather information': 'Recueillir les faits',
  'Learn the facts before responding: who, where, and whether you can see the posts.':
    'Connaître les faits avant de répondre : qui, où, et si vous pouvez voir les messages.',
  'Do not post back publicly yet': 'Ne répondez pas encore en public',
  'Learn the facts first: did you see the posts, do you know the person, are you connected, where were they posted, and is anyone in the organisation in that group?':
    'Commencez par les faits : avez-vous vu les messages, connaissez-vous la personne, êtes-vous en contact avec elle, où ont-ils été publiés, et quelqu’un de l’organisation est-il dans ce groupe ?',
  'Holding line, if you must answer in public': 'Réponse d’attente, s’il faut répondre en public',
  'Thank you for telling us. We take this seriously and want to understand what happened. Please send us a private message or call {values.phone|us}, so that we can talk it through directly. — {values.organisation|The team}':
    'Merci de nous l’avoir signalé. Nous prenons cela au sérieux et voulons comprendre ce qui s’est passé. Écrivez-nous en message privé ou appelez le {values.phone|standard}, pour que nous puissions en parler directement. — {values.organisation|L’équipe}',
  'Complete the assessment': 'Terminer l’évaluation',
  'When the facts are recorded, mark the assessment complete to be routed to the next rung.':
    'Une fois les faits notés, marquez l’évaluation comme terminée pour passer à l’échelon suivant.',
  'Request access': 'Demander l’accès',
  'Ask to join the group so you can read the posts first hand.': 'Demander à rejoindre le groupe pour lire les messages vous-même.',
  'Ask to join the group, then wait for the answer': 'Demandez à rejoindre le groupe, puis attendez la réponse',
  'Request membership of the group to read the posts yourself. Whatever the answer (or none within the access window), message the person privately next.':
    'Demandez à devenir membre du groupe pour lire les messages vous-même. Quelle que soit la réponse (ou sans réponse dans le délai d’accès), écrivez ensuite à la personne en privé.',
  'Private message': 'Message privé',
  'Message the person privately, asking them to get in touch and giving a number to call.':
    'Écrire à la personne en privé, en lui proposant de prendre contact et en donnant un numéro à appeler.',
  'Message the person privately, then wait for the reply': 'Écrivez à la personne en privé, puis attendez sa réponse',
  'Acknowledge that they are upset, ask them to get in touch, and give a phone number they can call. Keep it short and human; do not argue. No reply within the reply window counts as ignored.':
    'Reconnaissez qu’elle est contrariée, proposez-lui de prendre contact et donnez un numéro qu’elle peut appeler. Restez bref et humain ; ne discutez pas. Sans réponse dans le délai de réponse, le message est considéré comme ignoré.',
  'Hello {values.person|there}, this is {values.responder|[your name]} from {values.organisation|[organisation]}. I understand that you are upset about what happened, and I would like to hear about it from you directly. Could you call me on {values.phone|[phone number]}, or reply with a number and a good time to call you? Thank you.':
    'Bonjour {values.person|à vous}, je suis {values.responder|[votre nom]}, de {values.organisation|[organisation]}. Je crois comprendre que vous êtes contrarié·e par ce qui s’est passé, et j’aimerais l’entendre de vous directement. Pourriez-vous m’appeler au {values.phone|[numéro de téléphone]}, ou me répondre avec un numéro et un moment pour vous rappeler ? Merci.',
  'Go through a colleague': 'Passer par un collègue',
  'Ask the colleague who is in the group to suggest that the person contact the organisation directly.':
    'Demander au collègue qui est dans le groupe de suggérer à la personne de contacter directement l’organisation.',
  'Ask your colleague in the group to pass the word': 'Demandez à votre collègue du groupe de faire passer le mot',
  'They should not argue in the thread: only suggest, privately or briefly, that the person contact the organisation directly.':
    'Il ne doit pas discuter dans le fil : seulement suggérer, en privé ou brièvement, que la personne contacte directement l’organisation.',
  'Note for your colleague to pass on': 'Mot à transmettre par votre collègue',
  'Hi {intermediary|[colleague]}, could you help us with the posts about us in the group? {values.person|The person who posted them} has not answered our message. Could you suggest to them, privately or in one short comment, that they contact us directly on {values.phone|[phone number]}, so that we can talk it through? Please do not argue or defend us in the thread: just pass the word. Thank you.':
    'Bonjour {intermediary|[collègue]}, pourrais-tu nous aider pour les messages publiés à notre sujet dans le groupe ? {values.person|La personne qui les a publiés} n’a pas répondu à notre message. Pourrais-tu lui suggérer, en privé ou en un court commentaire, de nous contacter directement au {values.phone|[numéro de téléphone]}, pour que nous puissions en parler ? Merci de ne pas discuter ni nous défendre dans le fil : fais simplement passer le mot. Merci.',
  'Phone call': 'Appel téléphonique',
  'Talk it through on the phone.': 'En parler au téléphone.',
  'Call and listen': 'Appelez et écoutez',
  'Let them tell their story before explaining yours. Where the organisation got it wrong, apologise plainly; aim for an agreement you can both keep.':
    'Laissez la personne raconter avant d’expliquer votre version. Là où l’organisation a eu tort, excusez-vous simplement ; visez un accord que vous pourrez tenir tous les deux.',
  'Talking points for the call': 'Points à aborder pendant l’appel',
  '1. Thank them for taking the time to talk, and say who you are.\n2. Ask what happened, and listen to the end without interrupting.\n3. Say back what you heard, so they know you understood.\n4. Where the organisation got it wrong, apologise plainly, without a "but".\n5. Give your side briefly, only once they feel heard.\n6. Agree on what happens next, who does it and by when.\n7. Give them a direct number for later: {values.phone|[phone number]}.':
    '1. Remerciez la personne de prendre le temps d’en parler, et dites qui vous êtes.\n2. Demandez ce qui s’est passé et écoutez jusqu’au bout sans interrompre.\n3. Reformulez ce que vous avez entendu, pour montrer que vous avez compris.\n4. Là où l’organisation a eu tort, excusez-vous simplement, sans « mais ».\n5. Donnez votre version brièvement, seulement une fois la personne entendue.\n6. Convenez de la suite : qui fait quoi, et pour quand.\n7. Donnez un numéro direct pour plus tard : {values.phone|[numéro de téléphone]}.',
  Monitor: 'Surveiller',
  'Nothing more to push: watch, document, and stay reachable.': 'Plus rien à pousser : surveiller, documenter et rester joignable.',
  'Watch, document, stay reachable': 'Surveillez, documentez, restez joignable',
  'Keep copies of the posts, note what was said and when, and make sure the person can still reach you. Close the incident when it has died down.':
    'Gardez des copies des messages, notez ce qui a été dit et quand, et assurez-vous que la personne peut toujours vous joindre. Clôturez l’incident quand il s’est calmé.',
  Resolved: 'Résolu',
  'The two sides talked it through and reached an agreement.': 'Les deux parties en ont parlé et sont parvenues à un accord.',
  'Keep your word': 'Tenez parole',
  'Do what was agreed, and thank the people who helped.': 'Faites ce qui a été convenu, et remerciez les personnes qui ont aidé.',
  'Follow-up after the agreement': 'Suivi après l’accord',
  'Hello {values.person|there}, thank you again for talking it through with me. As agreed, {values.agreement|[what was agreed, who does it, and by when]}. If anything comes up, you can reach me directly on {values.phone|[phone number]}. — {values.responder|[your name]}, {values.organisation|[organisation]}':
    'Bonjour {values.person|à vous}, merci encore d’avoir pris le temps d’en parler avec moi. Comme convenu, {values.agreement|[ce qui a été convenu, qui le fait, et pour quand]}. Si quoi que ce soit se présente, vous pouvez me joindre directement au {values.phone|[numéro de téléphone]}. — {values.responder|[votre nom]}, {values.organisation|[organisation]}',
  Closed: 'Clôturé',
  'The responder closed the incident.': 'La personne chargée de l’incident l’a clôturé.',
  'Keep the record': 'Gardez le dossier',
  'Keep the timeline and copies of the posts in case the matter comes back.': 'Gardez la chronologie et des copies des messages au cas où l’affaire reviendrait.',

  'Thank the people who helped': 'Remerciez les personnes qui ont aidé',
  'Thank the colleagues who passed the word or stood by, in person and soon: they carried part of the load.':
    'Remerciez les collègues qui ont fait passer le mot ou qui ont tenu bon, de vive voix et sans tarder : ils ont porté une part de la charge.',
  'Thank your supporters privately': 'Remerciez vos soutiens en privé',
  'The people who spoke up for you did so on their own time. Thank them privately, not in the thread, so the matter is not stirred up again.':
    'Les personnes qui ont pris votre défense l’ont fait sur leur temps libre. Remerciez-les en privé, pas dans le fil, pour ne pas relancer l’affaire.',
  'Review: what went well': 'Retour d’expérience : ce qui a marché',
  'Within a week, talk it through with everyone involved: which step brought the person closer (the private message, the colleague, the call) and what you would do again.':
    'Dans la semaine, faites le point avec toutes les personnes impliquées : quelle étape a rapproché la personne (le message privé, le collègue, l’appel) et ce que vous referiez.',
  'Review: where it escalated': 'Retour d’expérience : où cela s’est envenimé',
  'Find the moments it got worse or stalled (a public reply, a slow answer, a threat) and what would have caught them earlier. Compare the time to the first response and to the first direct contact with your targets.':
    'Repérez les moments où la situation s’est aggravée ou a stagné (une réponse publique, une réponse lente, une menace) et ce qui les aurait détectés plus tôt. Comparez le délai de première réponse et de premier contact direct avec vos objectifs.',
  'Update the playbook': 'Mettez à jour le guide',
  'Turn what you learned into changes: a waiting window that was too long or too short, a contact who was missing, wording that worked. Tell the team what changed.':
    'Transformez ce que vous avez appris en changements : un délai d’attente trop long ou trop court, un contact qui manquait, une formulation qui a marché. Dites à l’équipe ce qui a changé.',
  'Keep the timeline, copies of the posts and notes of the call where only the people who need them can read them, for as long as your policy says; delete personal data you no longer need.':
    'Gardez la chronologie, les copies des messages et les notes de l’appel là où seules les personnes qui en ont besoin peuvent les lire, aussi longtemps que votre politique le prévoit ; supprimez les données personnelles dont vous n’avez plus besoin.',

  // Side tracks.
  Community: 'Communauté',
  'Followers posting in support of the organisation.': 'Des abonnés publient pour soutenir l’organisation.',
  'Community quiet': 'Communauté silencieuse',
  'No one has spoken up for the organisation yet.': 'Personne n’a encore pris la parole pour l’organisation.',
  'Community supportive': 'Communauté en soutien',
  'Supporters are speaking up for the organisation.': 'Des soutiens prennent la parole pour l’organisation.',
  'Let your supporters speak': 'Laissez parler vos soutiens',
  'A strong community defends you. Let them, thank them privately, and do not pile on in the thread.':
    'Une communauté solide vous défend. Laissez-la faire, remerciez en privé, et n’en rajoutez pas dans le fil.',
  Safety: 'Sécurité',
  'Threats: a visit, a police report, legal action, violence.': 'Menaces : une visite, une plainte, une action en justice, des violences.',
  'No threats': 'Aucune menace',
  'No threats have been made.': 'Aucune menace n’a été proférée.',
  Threatened: 'Menaces',
  'Threats were made; each one is recorded and raises the severity.': 'Des menaces ont été proférées ; chacune est notée et relève la gravité.',
  'Contact the authorities now': 'Contactez les autorités maintenant',
  'A threat of violence was made. Call the police, keep staff safe, and keep every post and message as evidence.':
    'Une menace de violence a été proférée. Appelez la police, mettez le personnel en sécurité, et gardez chaque publication et chaque message comme preuve.',
  'Brief the front desk and plan for a visit': 'Prévenez l’accueil et préparez une éventuelle visite',
  'Tell the people at the entrance who might come and what was said. Agree who greets them, where a calm conversation can happen away from other people, and when to call the police. Do not confront; offer to talk.':
    'Dites aux personnes de l’accueil qui pourrait venir et ce qui a été dit. Convenez de qui la reçoit, d’un endroit calme pour parler à l’écart, et du moment où appeler la police. N’affrontez pas ; proposez de parler.',
  'Prepare for legal action': 'Préparez-vous à une action en justice',
  'Pass everything to your legal adviser before anything else is said. Pause public replies on the matter until they have reviewed it; keep talking privately only about putting things right.':
    'Transmettez tout à votre conseil juridique avant de dire quoi que ce soit d’autre. Suspendez les réponses publiques sur le sujet jusqu’à son avis ; en privé, ne parlez que de réparer les choses.',
  'Keep to the facts for a police report': 'Tenez-vous aux faits en cas de plainte',
  'A report is theirs to make. Keep your own account factual and dated, keep the records a report would ask for, and tell your legal adviser. Do not mention the report in public.':
    'Porter plainte est leur droit. Tenez un récit factuel et daté, gardez les pièces qu’une plainte demanderait, et prévenez votre conseil juridique. N’évoquez pas la plainte en public.',
  'Take the threat seriously, without escalating': 'Prenez la menace au sérieux, sans surenchère',
  'Ask a colleague to read the threat with you and decide whether anyone needs to be warned. Answer calmly, if at all, and do not threaten back.':
    'Lisez la menace avec un collègue et décidez s’il faut prévenir quelqu’un. Répondez calmement, si vous répondez, et ne menacez pas en retour.',
  'Brief staff and document everything': 'Informez le personnel et documentez tout',
  'Tell the people who might be affected what was threatened, keep screenshots with dates, and record every contact. Keep working the ladder: threats often come just before a call.':
    'Dites aux personnes concernées ce qui a été menacé, gardez des captures d’écran datées et notez chaque contact. Continuez l’échelle : les menaces viennent souvent juste avant un appel.',

  // Severity.
  Low: 'Faible',
  'One person is upset; nothing recorded puts the posts in public view': 'Une personne est contrariée ; rien de ce qui est noté ne met les messages sous les yeux du public',
  Medium: 'Moyenne',
  'The posts are public, so others can join in': 'Les messages sont publics : d’autres peuvent s’y joindre',
  'Acknowledge within four hours': 'Accusez réception dans les quatre heures',
  'Public posts draw others in: a first, calm acknowledgement within four hours keeps the thread from filling the silence. Then move the conversation to a private channel.':
    'Les messages publics attirent du monde : une première réponse calme dans les quatre heures évite que le fil ne comble le silence. Poursuivez ensuite la conversation en privé.',
  High: 'Élevée',
  'Threats were made': 'Des menaces ont été proférées',
  'Make the first response within the hour': 'Répondez une première fois dans l’heure',
  'With threats on the table, a quick, calm first step lowers the temperature: get a direct line open within the hour, and tell whoever is on duty.':
    'Quand il y a des menaces, un premier pas rapide et calme fait baisser la tension : ouvrez une ligne directe dans l’heure, et prévenez la personne de permanence.',
  Critical: 'Critique',
  'Someone may be in danger': 'Quelqu’un pourrait être en danger',
  'Act within 15 minutes': 'Agissez dans les 15 minutes',
  'Put everything else aside. Safety first: the authorities, the people on site, then the person who threatened, through a direct channel.':
    'Laissez tout le reste de côté. La sécurité d’abord : les autorités, les personnes sur place, puis l’auteur de la menace, par un canal direct.',

  // Guards and their reasons.
  'The responder knows the upset person.': 'La personne chargée de l’incident connaît la personne contrariée.',
  'You know the person who posted, so the quickest way is to call them.': 'Vous connaissez la personne qui a publié : le plus rapide est de l’appeler.',
  'You do not know the person who posted, so you will have to reach them another way.':
    'Vous ne connaissez pas la personne qui a publié : il faudra la joindre autrement.',
  'You have not recorded yet whether you know the person who posted.': 'Vous n’avez pas encore noté si vous connaissez la personne qui a publié.',
  'The posts are in a private group the responder is not in, did not witness and cannot see through a connection.':
    'Les messages sont dans un groupe privé dont la personne chargée de l’incident n’est pas membre, qu’elle n’a pas vus et ne peut voir par une relation.',
  'The posts are in a private group you are not a member of, and you neither saw them nor are connected to the person, so you cannot read them yet.':
    'Les messages sont dans un groupe privé dont vous n’êtes pas membre, vous ne les avez pas vus et n’êtes pas en contact avec la personne : vous ne pouvez pas encore les lire.',
  'You can see the posts without asking to join a group (where they are: {facts.venue}): they are not in a private group you are shut out of, or you saw them, or you are connected to the person who posted.':
    'Vous pouvez voir les messages sans demander à rejoindre un groupe (où ils sont : {facts.venue}) : ils ne sont pas dans un groupe privé qui vous est fermé, ou vous les avez vus, ou vous êtes en lien avec la personne qui les a publiés.',
  'You have not recorded yet all that says whether you can see the posts: where they are, whether you are a member there, whether you saw them, whether you are connected to the person who posted.': 'Vous n’avez pas encore noté tout ce qui dit si vous pouvez voir les messages : où ils sont, si vous en êtes membre, si vous les avez vus, si vous êtes en lien avec la personne qui les a publiés.',
  'Someone else in the organisation is a member of the group.': 'Quelqu’un d’autre dans l’organisation est membre du groupe.',
  'A colleague is a member of the group where the posts are, so they can pass the word to the person.':
    'Un collègue est membre du groupe où sont les messages : il peut faire passer le mot à la personne.',
  'No one else in the organisation is in the group where the posts are.': 'Personne d’autre dans l’organisation n’est dans le groupe où sont les messages.',
  'You have not recorded yet whether a colleague is in the group where the posts are.':
    'Vous n’avez pas encore noté si un collègue est dans le groupe où sont les messages.',
  'The call ended in an agreement.': 'L’appel s’est conclu par un accord.',
  'The call ended without an agreement.': 'L’appel s’est terminé sans accord.',
  'At least one threat was made.': 'Au moins une menace a été proférée.',
  'Threats recorded so far: {threats}.': 'Menaces notées jusqu’ici : {threats}.',
  'Supporters spoke up for the organisation at least once.': 'Des soutiens ont pris la parole pour l’organisation au moins une fois.',
  'Number of times supporters have spoken up so far: {supporters}.': 'Nombre de fois où des soutiens ont pris la parole jusqu’ici : {supporters}.',
  'A threat of violence was made.': 'Une menace de violence a été proférée.',
  'Someone threatened violence.': 'Quelqu’un a menacé de violences.',
  'No one has threatened violence.': 'Personne n’a menacé de violences.',
  'Someone threatened to come to the premises.': 'Quelqu’un a menacé de venir sur place.',
  'No one has threatened to come by.': 'Personne n’a menacé de venir.',
  'Someone threatened to file a police report.': 'Quelqu’un a menacé de porter plainte.',
  'No one has threatened a police report.': 'Personne n’a menacé de porter plainte.',
  'Someone threatened legal action.': 'Quelqu’un a menacé d’une action en justice.',
  'No one has threatened legal action.': 'Personne n’a menacé d’une action en justice.',
  'A threat of another kind was made.': 'Une menace d’un autre genre a été proférée.',
  'No threat of another kind was made.': 'Aucune menace d’un autre genre n’a été proférée.',

  // Events.
  'Record what is known about the incident.': 'Noter ce que l’on sait de l’incident.',
  'The facts are gathered and the assessment is complete.': 'Les faits sont réunis et l’évaluation est terminée.',
  'Asked to join the group where the posts are.': 'Demande faite pour rejoindre le groupe où sont les messages.',
  'The request to join the group was accepted.': 'La demande pour rejoindre le groupe a été acceptée.',
  'The request to join the group was refused.': 'La demande pour rejoindre le groupe a été refusée.',
  'A private message was sent to the upset person.': 'Un message privé a été envoyé à la personne contrariée.',
  'The private message got no answer.': 'Le message privé est resté sans réponse.',
  'The person answered the private message.': 'La personne a répondu au message privé.',
  'A colleague in the group was asked to pass the word.': 'Un collègue du groupe a été sollicité pour faire passer le mot.',
  'The intermediary route failed.': 'La voie du collègue n’a rien donné.',
  'The person reached out on their own.': 'La personne a pris contact d’elle-même.',
  'The conversation happened.': 'La conversation a eu lieu.',
  'Supporters spoke up for the organisation.': 'Des soutiens ont pris la parole pour l’organisation.',
  'A threat was made.': 'Une menace a été proférée.',
  'The responder closes the incident.': 'La personne chargée de l’incident le clôture.',

  // Questions.
  'What do you know about the incident?': 'Que savez-vous de l’incident ?',
  'Which phone number did they give you?': 'Quel numéro de téléphone vous a-t-elle donné ?',
  'Which colleague did you ask to pass the word?': 'Quel collègue avez-vous sollicité pour faire passer le mot ?',
  'How did the person reach out?': 'Comment la personne a-t-elle pris contact ?',
  'Did the organisation apologise?': 'L’organisation s’est-elle excusée ?',
  'Did you reach an agreement with the person?': 'Êtes-vous parvenu·e à un accord avec la personne ?',
  'What did the supporters say?': 'Qu’ont dit les soutiens ?',
  'What did they threaten to do?': 'De quoi a-t-elle menacé ?',
  'What exactly was said, and where?': 'Qu’a-t-il été dit exactement, et où ?',
  'Why are you closing the incident?': 'Pourquoi clôturez-vous l’incident ?',

  // Words for windows and values.
  'access window': 'délai d’accès',
  'reply window': 'délai de réponse',
  'intermediary window': 'délai du collègue',
  phone: 'téléphone',
  message: 'message',
  email: 'e-mail',
  'in person': 'en personne',
  visit: 'visite',
  'police report': 'plainte',
  'legal action': 'action en justice',
  violence: 'violences',
  other: 'autre',
  'personal feed': 'fil personnel',
  'public group': 'groupe public',
  'private group': 'groupe privé',
  unknown: 'inconnu',
};
