// The texts of a playbook a person reads, for translations: what `translations` can hold.
import { venues } from './facts.js';
import type { AdviceSpec, PlaybookDefinition } from './types.js';

/** `replyWindow` → "reply window", `police-report` → "police report": an id as the words a sentence uses. */
export function idWords(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_.]+/g, ' ')
    .toLowerCase()
    .trim();
}

/**
 * Every text of a playbook that advice can show, once each, in the playbook's order: titles,
 * descriptions, advice, drafts, the guards' reasons, and the words for window names and the
 * values of facts and enum payloads (`reply window`, `private group`, `police report`).
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { playbookTexts } from 'crisis-playbook/authoring';
 *
 * console.log(playbookTexts(defaultPlaybook).includes('Call and listen')); // true
 * ```
 *
 * @category Playbook definition
 */
export function playbookTexts(definition: PlaybookDefinition): string[] {
  const texts = new Set<string>();
  const add = (text: string | undefined) => {
    if (text !== undefined && text !== '') texts.add(text);
  };
  const addAdvice = (advice: readonly AdviceSpec[]) => {
    for (const item of advice) {
      add(item.title);
      add(item.detail);
      for (const draft of item.drafts ?? []) {
        add(draft.title);
        add(draft.text);
      }
    }
  };
  for (const rung of definition.ladder.rungs) {
    add(rung.title);
    add(rung.description);
    addAdvice(rung.advice);
    add(rung.followUps?.description);
  }
  for (const track of definition.tracks) {
    add(track.title);
    add(track.description);
    for (const state of track.states) {
      add(state.title);
      add(state.description);
      addAdvice(state.advice);
    }
  }
  for (const level of definition.severity?.levels ?? []) {
    add(level.title);
    add(level.description);
    addAdvice(level.advice ?? []);
  }
  for (const guard of Object.values(definition.guards)) {
    add(guard.description);
    add(guard.reason?.true);
    add(guard.reason?.false);
    add(guard.reason?.unknown);
  }
  for (const [type, event] of Object.entries(definition.events)) {
    // An event without a description is written as its type in words.
    add(event.description ?? idWords(type));
    for (const field of Object.values(event.payload ?? {})) {
      add(field.question);
      if (field.type === 'enum') for (const value of field.values) add(idWords(value));
    }
  }
  for (const window of Object.keys(definition.windows)) add(idWords(window));
  for (const venue of venues) add(idWords(venue));
  return [...texts];
}

/**
 * The texts of a playbook that its `translations` for `locale` do not translate yet: what a
 * translator still has to do. Texts without a translation are shown in English.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { missingTranslations } from 'crisis-playbook/authoring';
 *
 * console.log(missingTranslations(defaultPlaybook, 'fr')); // [] (French is complete)
 * console.log(missingTranslations(defaultPlaybook, 'de').length > 0); // true
 * ```
 *
 * @category Playbook definition
 */
export function missingTranslations(definition: PlaybookDefinition, locale: string): string[] {
  const translations = definition.translations ?? {};
  const translation = Object.hasOwn(translations, locale) ? translations[locale]! : {};
  return playbookTexts(definition).filter((text) => !Object.hasOwn(translation, text));
}
