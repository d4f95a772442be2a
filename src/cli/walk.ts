import { createInterface } from 'node:readline';
import { availableEvents, currentRung, type IncidentFacts, incidentFactsSchema, type PayloadField, type PlaybookDefinition, safeParseEvent, venues } from '../index.js';
import { factQuestions, fieldQuestion } from '../authoring.js';
import { type StoredIncident } from '../server.js';
import { either, matchChoice } from './choose.js';
import { printStatus, snapshotOf, statusOf } from './describe.js';
import { IncidentFile } from './incidentFile.js';
import { WaitCancelled } from './lockFile.js';
import { type LoadedPlaybook, loadPlaybook, UserError, userErrorOf } from './io.js';
import { style, writerFor } from './terminal.js';
import { isCleanText } from '../limits.js';

/** Said when an answer holds a control character (an arrow key or Esc typed by mistake): the question is asked again. */
const controlsInAnswer = 'That answer holds a control character (an arrow key or Esc?); please type it again.';

/** The type of the entry a first-response reminder records when it falls due. */
const reminderEventType = 'reminder.due';

export interface WalkOptions {
  readonly file: string;
  readonly playbook?: string;
  readonly by?: string;
  readonly json: boolean;
}

class EndOfInput extends Error {}

/** Guides a responder through an incident, saving the incident file after every event. */
export async function walk(options: WalkOptions): Promise<number> {
  const out = writerFor(options.json ? process.stderr : process.stdout);
  const say = (line = '') => out.line(line);
  const steps = writerFor(process.stdout);
  const emit = (value: unknown) => {
    if (options.json) steps.json(value);
  };
  if (options.by !== undefined) {
    // Checked now, not when the first answer is recorded (every answer would be refused). The
    // same rule for every playbook's events: the metadata every event may carry.
    const checked = safeParseEvent({ type: 'assessment.complete', by: options.by });
    const issue = checked.success ? undefined : checked.error.issues.find((each) => each.path[0] === 'by');
    if (issue !== undefined) throw new UserError(`--by: ${issue.message}`, 2);
  }
  const loaded = loadPlaybook(options.playbook);
  const { runtime, definition } = loaded;
  let interrupted = false;
  const file = new IncidentFile(
    options.file,
    runtime,
    () => say(style.dim(`Waiting for another crisis-playbook process to finish saving ${options.file}...`)),
    () => interrupted,
  );

  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  /** The event whose questions are being asked (not recorded yet), if any. */
  let unfinished: string | undefined;
  process.once('SIGINT', () => {
    interrupted = true;
    rl.close();
  });
  const ask = async (prompt: string): Promise<string> => {
    out.write(`${style.accent('?')} ${prompt} `);
    const next = await lines.next();
    if (next.done) throw new EndOfInput();
    // A terminal echoes what was typed; piped answers are echoed so the transcript reads well.
    if (!process.stdin.isTTY) out.line(next.value);
    return next.value.trim();
  };
  /**
   * A numbered menu. The answer is a number, a choice in any case or the unambiguous start of
   * one; an ambiguous start lists the candidates, a typo gets a "did you mean".
   */
  const askChoice = async <T extends string>(
    prompt: string,
    choices: readonly T[],
    optional: boolean,
    describe: (choice: T) => string | undefined = () => undefined,
  ): Promise<T | undefined> => {
    const width = Math.max(...choices.map((choice) => choice.length));
    choices.forEach((choice, index) => {
      const description = describe(choice);
      say(`   ${index + 1}) ${description ? `${choice.padEnd(width)}  ${style.dim(description)}` : choice}`);
    });
    for (;;) {
      const answer = await ask(`${prompt}${optional ? ' (Enter to skip)' : ''}`);
      if (answer === '' && optional) return undefined;
      // `quit` and `exit` stop, as `q` does.
      if ((choices as readonly string[]).includes('q') && /^(quit|exit)$/i.test(answer.trim())) return 'q' as T;
      const match = matchChoice(answer, choices);
      if (match.kind === 'picked') return match.value;
      // Never "did you mean q?" for a typo: that would stop the walk.
      const suggestions = match.kind === 'ambiguous' ? [] : match.suggestions.filter((choice) => choice !== 'q');
      if (match.kind === 'ambiguous') {
        say(style.warn(`"${answer}" could be ${either(match.candidates)}: type more of it, or its number.`));
      } else if (suggestions.length > 0) {
        say(style.warn(`There is no "${answer}". Did you mean ${either(suggestions)}?`));
      } else {
        say(style.warn(`Please answer with a number from 1 to ${choices.length}, or one of the names.`));
      }
    }
  };
  const askYesNo = async (prompt: string, optional: boolean): Promise<boolean | undefined> => {
    for (;;) {
      const answer = (await ask(`${prompt} [y/n${optional ? '/Enter to skip' : ''}]`)).toLowerCase();
      if (answer === '' && optional) return undefined;
      if (['y', 'yes'].includes(answer)) return true;
      if (['n', 'no'].includes(answer)) return false;
      say(style.warn('Please answer y or n.'));
    }
  };
  /**
   * Asks the assessment questions not answered yet. When the input ends (Ctrl-C, end of
   * input) part way, the answers given so far are recorded before stopping, so a resumed walk
   * only asks the others.
   */
  // The assessment asks only what the playbook reads: its conditions and texts name `facts.<key>`.
  const readsFact = factReader(definition);
  const playbookFacts = factQuestions.filter(([key]) => readsFact(key));
  const recordFacts = (facts: Partial<IncidentFacts>) => record({ type: 'facts.update', facts, ...(options.by ? { by: options.by } : {}) });
  const askFacts = async (known: Partial<IncidentFacts> = {}, recordPartial = false): Promise<Partial<IncidentFacts>> => {
    const facts: Record<string, unknown> = {};
    try {
      for (const [key, question] of playbookFacts) {
        if (known[key] !== undefined) continue;
        const answer = key === 'venue' ? await askChoice(question, venues, true) : await askYesNo(question, true);
        if (answer !== undefined) facts[key] = answer;
      }
    } catch (error) {
      if (error instanceof EndOfInput && recordPartial && Object.keys(facts).length > 0) {
        await recordFacts(incidentFactsSchema.partial().parse(facts));
        say();
        say(style.dim(`Kept the ${Object.keys(facts).length} answer(s) given so far; walk asks the others when it resumes.`));
      }
      throw error;
    }
    return incidentFactsSchema.partial().parse(facts);
  };
  const askField = async (type: string, name: string, field: PayloadField): Promise<unknown> => {
    const optional = field.optional === true;
    const question = fieldQuestion(definition, type, name);
    switch (field.type) {
      case 'enum':
        return askChoice(question, field.values, optional);
      case 'boolean':
        return askYesNo(question, optional);
      case 'facts':
        return askFacts();
      case 'string': {
        const limit = field.maxLength ?? 2000;
        for (;;) {
          const answer = await ask(`${question}${optional ? ' (Enter to skip)' : ''}`);
          if (answer.length > limit) say(style.warn(`At most ${limit} characters, please.`));
          else if (!isCleanText(answer)) say(style.warn(controlsInAnswer));
          else if (answer !== '' || optional) return answer === '' ? undefined : answer;
        }
      }
    }
  };

  /**
   * Records the event on the file's newest document: another session may have changed it
   * since the menu was shown, and then the event is decided again on that. False (with one
   * line saying why) when it cannot be recorded.
   */
  const record = async (event: Record<string, unknown>): Promise<boolean> => {
    let meanwhile = false;
    try {
      const decision = await file.update((current, changed) => {
        meanwhile = changed;
        return runtime.decide(current, event, { now: Date.now() });
      });
      emit({ event, rung: decision.rung, tracks: decision.tracks, status: decision.status, added: decision.added, ...(meanwhile ? { reapplied: true } : {}) });
      if (meanwhile) say(style.dim(`Another session changed ${options.file} meanwhile; ${String(event.type)} was applied to its newest state.`));
      return true;
    } catch (error) {
      if (error instanceof WaitCancelled) {
        // Ctrl-C while another process held the file: this event was not saved.
        unfinished = String(event.type);
        throw new EndOfInput();
      }
      const where = meanwhile ? `not recorded (another session changed ${options.file} meanwhile)` : 'not recorded';
      const problem = error instanceof UserError ? new UserError(`${where}: ${error.message}`) : userErrorOf(error, where);
      if (!(problem instanceof UserError)) throw error;
      say(style.warn(problem.message));
      return false;
    }
  };

  try {
    // Another session may create the file first: then this one resumes it.
    const created = !file.exists() && (await file.create(() => runtime.open({ now: Date.now() }).incident));
    if (!created) {
      const due = await file.update((current) => runtime.decideDue(current, { now: Date.now() }));
      if (due.changed) {
        const windows = due.added.filter((entry) => entry.type === 'window.elapsed');
        const reminders = due.added.filter((entry) => entry.type === reminderEventType);
        // What was applied: the windows that ran out, and the first-response reminders that fell due.
        emit({ event: { type: windows.length > 0 ? 'window.elapsed' : reminderEventType }, rung: due.rung, tracks: due.tracks, status: due.status, added: due.added });
        const meanwhile = [
          ...(windows.length > 0 ? [`${windows.length} waiting window(s) ran out meanwhile (${windows.map((entry) => entry.window).join(', ')})`] : []),
          ...(reminders.length > 0 ? [`the first response fell overdue meanwhile (${reminders.map((entry) => entry.severity).join(', ')})`] : []),
        ];
        say(`Resumed ${options.file}: ${meanwhile.length > 0 ? meanwhile.join('; ') : 'the file was upgraded'}.`);
      } else {
        say(`Resumed ${options.file}.`);
      }
    } else {
      say(style.bold(`New incident (${definition.title}), saved to ${options.file} after every event.`));
      if (playbookFacts.length > 0) {
        say('First, what do you know? Answer what you can; Enter skips a question.');
        const facts = await askFacts({}, true);
        if (Object.keys(facts).length > 0) await recordFacts(facts);
      }
    }

    // Assessment questions left unanswered (an earlier walk was interrupted, or they were skipped).
    const resumed = file.read().incident;
    const facts = resumed.snapshot.context.facts;
    const unanswered = playbookFacts.filter(([key]) => facts[key] === undefined).length;
    if (!created && unanswered > 0 && atStart(loaded, resumed)) {
      say(`${unanswered} of the assessment questions ${unanswered === 1 ? 'is' : 'are'} still unanswered; Enter skips a question.`);
      const more = await askFacts(facts, true);
      if (Object.keys(more).length > 0) await recordFacts(more);
    }

    let stored: StoredIncident;
    for (;;) {
      unfinished = undefined;
      // The file's newest state, with what another session may have recorded meanwhile.
      const latest = file.read();
      stored = latest.incident;
      if (latest.changed) say(style.dim(`Another session changed ${options.file}; this is its newest state.`));
      if (stored.snapshot.status !== 'active') break;
      say();
      printStatus(statusOf(loaded, stored), out);
      const events = availableEvents(snapshotOf(loaded, stored));
      say(style.bold('What happened?'));
      const type = await askChoice('Pick a number or type the event (q to stop)', [...events, 'q'] as const, false, (choice) =>
        choice === 'q' ? 'stop here; walk again to resume' : definition.events[choice]?.description,
      );
      if (type === 'q' || type === undefined) {
        say(`Stopped. The incident is saved in ${options.file}; run walk again to resume.`);
        return 0;
      }
      const event: Record<string, unknown> = { type };
      unfinished = type;
      const payload = Object.entries(definition.events[type]?.payload ?? {});
      for (const [name, field] of payload) {
        const value = await askField(type, name, field);
        if (value !== undefined) event[name] = value;
      }
      // Every fact question skipped: there is nothing to record.
      const facts = event.facts;
      if (payload.some(([, field]) => field.type === 'facts') && (facts === undefined || (typeof facts === 'object' && facts !== null && Object.keys(facts).length === 0))) {
        unfinished = undefined;
        say(style.dim(`Nothing recorded: no fact was given for ${type}.`));
        continue;
      }
      if (!payload.some(([name]) => name === 'note')) {
        let note = await ask('Note for the timeline? (Enter to skip)');
        while (note.length > 2000 || !isCleanText(note)) note = await ask(note.length > 2000 ? 'At most 2000 characters, please. Note?' : `${controlsInAnswer} Note?`);
        if (note !== '') event.note = note;
      }
      if (options.by) event.by = options.by;
      unfinished = undefined;
      if (await record(event)) say(style.dim(`Recorded ${type}; saved.`));
    }
    say();
    printStatus(statusOf(loaded, stored), out);
    say(style.bold('The incident is finished.'));
    return 0;
  } catch (error) {
    // Ctrl-C while waiting for another process's lock (when resuming): nothing was written.
    if (error instanceof EndOfInput || error instanceof WaitCancelled) {
      say();
      // Input that ends inside an event's questions (a script one answer short): that event is not recorded, and the exit code says so.
      if (unfinished !== undefined && !interrupted) {
        say(style.warn(`End of input before the questions of ${unfinished} were answered: it was not recorded. Every event before it is saved in ${options.file}.`));
        return 1;
      }
      if (interrupted && unfinished !== undefined) {
        say(`Interrupted: ${unfinished} was not recorded. Every event before it is saved in ${options.file}.`);
        return 130;
      }
      say(interrupted ? `Interrupted. Every recorded event is saved in ${options.file}.` : `End of input. The incident is saved in ${options.file}.`);
      return interrupted ? 130 : 0;
    }
    throw error;
  } finally {
    rl.close();
  }
}

/**
 * Whether the incident is where the assessment questions left it: open on its first rung with
 * nothing recorded but facts (an interrupted walk), so that asking the rest is still in order.
 */
function atStart(loaded: LoadedPlaybook, stored: StoredIncident): boolean {
  const initial = loaded.definition.ladder.initial;
  return (
    stored.snapshot.status === 'active' &&
    currentRung(snapshotOf(loaded, stored)) === initial &&
    // A reminder that fell due meanwhile is the tool's entry, not the responder's.
    stored.snapshot.context.timeline.every((entry) => (entry.type === 'facts.update' || entry.type === reminderEventType) && entry.to === initial)
  );
}

/**
 * Whether a playbook reads a fact: a condition's path or a text's placeholder names
 * `facts.<key>`. A playbook that cannot be written as JSON (an event's zod schema that will not
 * serialise) is taken to read them all.
 */
function factReader(definition: PlaybookDefinition): (key: string) => boolean {
  let text: string;
  try {
    text = JSON.stringify(definition);
  } catch {
    return () => true;
  }
  return (key) => text.includes(`facts.${key}`);
}
