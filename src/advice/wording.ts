// Words for people: the pieces advice is written with (ids as words, durations, values in text,
// placeholders), in the languages the library speaks. A playbook's own texts are translated by
// its `translations`; the phrases the library adds around them are here.
import { readPath, type ConditionScope } from '../definition/conditions.js';
import { personalContextPaths, placeholderPattern } from '../definition/placeholders.js';
import { idWords } from '../definition/texts.js';

type Unit = 'day' | 'hour' | 'minute' | 'second' | 'millisecond';

/** The phrases the library writes around a playbook's texts, in one language. */
export interface Phrases {
  readonly startsHere: (title: string) => string;
  readonly standsAt: (title: string) => string;
  readonly arrived: (title: string, how: string) => string;
  readonly ranOut: (window: string) => string;
  readonly runsOut: (window: string) => string;
  /** A follow-up a rung sends before it moves on ("send follow-up 1 of 2"), with what to send. */
  readonly sendFollowUp: (number: number, max: number, what: string) => string;
  /** Where the rung stands with its follow-ups, as a sentence. */
  readonly followUpsSent: (sent: number, max: number, window: string) => string;
  readonly windowOf: (name: string, duration: string) => string;
  readonly window: (name: string) => string;
  readonly notSo: (clause: string) => string;
  readonly target: (title: string, what: string) => string;
  readonly severity: (title: string, what: string) => string;
  /** The title of the advice once a first-response reminder fell due. */
  readonly overdueTitle: string;
  /** Why a reminder of an earlier, higher level is still overdue once the severity fell (a fact corrected). */
  readonly overdueSince: (level: string, current: string) => string;
  /** Its detail: the level's title, its target in words, and when the first response was due (UTC). */
  readonly overdue: (level: string, within: string, due: string) => string;
  readonly or: string;
  readonly and: string;
  readonly yes: string;
  readonly no: string;
  readonly unknown: string;
  readonly about: (amount: string) => string;
  readonly units: Readonly<Record<Unit, readonly [one: string, many: string]>>;
}

const english: Phrases = {
  startsHere: (title) => `You are at “${title}”, where every incident starts.`,
  standsAt: (title) => `You are at “${title}”.`,
  arrived: (title, how) => `You are at “${title}”: ${how}.`,
  ranOut: (window) => `${window} ran out`,
  runsOut: (window) => `${window} runs out`,
  sendFollowUp: (number, max, what) => `send follow-up ${number} of ${max}${what === '' ? '' : `: ${what}`}`,
  followUpsSent: (sent, max, window) => `${window} ran out, so you sent follow-up ${sent} of ${max} and wait again.`,
  windowOf: (name, duration) => `the ${name} of ${duration}`,
  window: (name) => `the ${name}`,
  notSo: (clause) => `Not so: ${clause}.`,
  target: (title, what) => `“${title}”: ${what}`,
  severity: (title, what) => `${title}: ${what}.`,
  overdueTitle: 'First response overdue',
  overdueSince: (level, current) => `The first response fell overdue while the incident was at ${level}; it is at ${current} now, and nobody has responded yet.`,
  overdue: (level, within, due) =>
    `At ${level}, the first response is due within ${within}: it was due by ${due}, and nobody has responded yet. Respond now, even briefly, and tell whoever is on duty.`,
  or: ', or ',
  and: ' and ',
  yes: 'yes',
  no: 'no',
  unknown: 'unknown',
  about: (amount) => `about ${amount}`,
  units: { day: ['day', 'days'], hour: ['hour', 'hours'], minute: ['minute', 'minutes'], second: ['second', 'seconds'], millisecond: ['millisecond', 'milliseconds'] },
};

const french: Phrases = {
  startsHere: (title) => `Vous en êtes à « ${title} », là où commence tout incident.`,
  standsAt: (title) => `Vous en êtes à « ${title} ».`,
  arrived: (title, how) => `Vous en êtes à « ${title} » : ${how}.`,
  ranOut: (window) => `${window} est écoulé`,
  runsOut: (window) => `${window} s’écoule`,
  sendFollowUp: (number, max, what) => `envoyer la relance ${number} sur ${max}${what === '' ? '' : ` : ${what}`}`,
  followUpsSent: (sent, max, window) => `${window} est écoulé : vous avez envoyé la relance ${sent} sur ${max} et attendez à nouveau.`,
  windowOf: (name, duration) => `le ${name} de ${duration}`,
  window: (name) => `le ${name}`,
  notSo: (clause) => `Non : ${clause}.`,
  target: (title, what) => `« ${title} » : ${what}`,
  severity: (title, what) => `${title} : ${what}.`,
  overdueTitle: 'Première réponse en retard',
  overdueSince: (level, current) => `La première réponse est en retard depuis le niveau « ${level} » ; l’incident est au niveau « ${current} » maintenant, et personne n’a encore répondu.`,
  overdue: (level, within, due) =>
    // « sous 1 heure », « Niveau « Élevée » » : no article or adjective to agree with the number or the level's gender.
    `Niveau « ${level} » : la première réponse est attendue sous ${within} ; elle l’était pour ${due}, et personne n’a encore répondu. Répondez maintenant, même brièvement, et prévenez la personne de permanence.`,
  or: ', ou ',
  and: ' et ',
  yes: 'oui',
  no: 'non',
  unknown: 'inconnu',
  about: (amount) => `environ ${amount}`,
  units: { day: ['jour', 'jours'], hour: ['heure', 'heures'], minute: ['minute', 'minutes'], second: ['seconde', 'secondes'], millisecond: ['milliseconde', 'millisecondes'] },
};

/** The languages the library writes its own phrases in; a playbook may translate its texts into others (they then get English phrases). */
export const phraseLanguages: Readonly<Record<string, Phrases>> = { en: english, fr: french };

/** A language to write advice in: the library's phrases and the playbook's translation of its texts. */
export interface Language {
  readonly phrases: Phrases;
  /** The playbook's text in this language (the text itself when there is no translation). */
  readonly t: (text: string) => string;
}

/** The language for `locale` (`fr`, `fr-CA` → French phrases); English when not given. */
export function languageOf(locale: string | undefined, translations: Readonly<Record<string, string>> | undefined): Language {
  const base = locale?.toLowerCase().split('-')[0];
  const phrases = (base !== undefined && Object.hasOwn(phraseLanguages, base) ? phraseLanguages[base] : undefined) ?? english;
  return {
    phrases,
    t: (text) => {
      const translated = translations !== undefined && Object.hasOwn(translations, text) ? translations[text] : undefined;
      return typeof translated === 'string' ? translated : text;
    },
  };
}

/** The default: English, the playbook's own texts. */
export const englishLanguage: Language = { phrases: english, t: (text) => text };

/** `replyWindow` → "reply window", `police-report` → "police report" (then translated by the playbook, if it can). */
export function idToWords(id: string, language: Language = englishLanguage): string {
  return language.t(idWords(id));
}

const units = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
] as const;

/** 86_400_000 → "24 hours", 172_800_000 → "2 days", 5_400_000 → "90 minutes". */
export function durationInWords(ms: number, language: Language = englishLanguage): string {
  const { phrases } = language;
  const plural = (count: number, unit: Unit) => `${count} ${phrases.units[unit][count === 1 ? 0 : 1]}`;
  // Days only from 48 hours: "24 hours" is how people say one day of waiting.
  for (const [size, unit] of units) {
    if (unit === 'day' && ms < 2 * size) continue;
    if (ms >= size && ms % size === 0) return plural(ms / size, unit);
  }
  for (const [size, unit] of units) if (ms >= size) return phrases.about(plural(Math.round(ms / size), unit));
  return plural(ms, 'millisecond');
}

/** A list as a person writes it: "a, b and c". */
export function listInWords(items: readonly string[], language: Language = englishLanguage): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')}${language.phrases.and}${items[items.length - 1]}`;
}

/** A value in a sentence: yes/no, words for ids, lists; `undefined` when there is none. */
export function valueInWords(value: unknown, language: Language = englishLanguage): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value ? language.phrases.yes : language.phrases.no;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(value) ? idToWords(value, language) : value;
  if (Array.isArray(value)) {
    const items = value.map((item) => valueInWords(item, language)).filter((item): item is string => item !== undefined);
    return items.length === 0 ? undefined : listInWords([...new Set(items)], language);
  }
  return undefined;
}

/** What fills a text's placeholders. */
export interface TextScope {
  readonly incident: ConditionScope;
  /** Values the app gives (`{values.organisation}`). */
  readonly values?: Readonly<Record<string, string | number | undefined>>;
  /** Context paths holding what the incident recorded of the person (`{replyPhone}`); filled only when allowed. */
  readonly context?: Readonly<Record<string, unknown>>;
  readonly includePersonal?: boolean;
}

/** The result of filling a text: the text, and the placeholders that had no value. */
export interface FilledText {
  readonly text: string;
  readonly missing: readonly string[];
}

/**
 * Fills `{path}` and `{path|fallback}` placeholders: a value in words, else the fallback, else a
 * `[name]` slot for the responder. Personal values of the incident are filled only when
 * `includePersonal` is set.
 */
export function fillText(text: string, scope: TextScope, language: Language = englishLanguage, slot = false): FilledText {
  const missing: string[] = [];
  const filled = text.replace(placeholderPattern, (_, path: string, fallback: string | undefined) => {
    let value: unknown;
    if (path.startsWith('values.')) {
      // The app's own values are written as given.
      const name = path.slice('values.'.length);
      const given = scope.values !== undefined && Object.hasOwn(scope.values, name) ? scope.values[name] : undefined;
      if ((typeof given === 'string' && given !== '') || (typeof given === 'number' && Number.isFinite(given))) return String(given);
    } else if (personalContextPaths.includes(path)) value = scope.includePersonal ? scope.context?.[path] : undefined;
    else value = readPath(scope.incident, path);
    const words = valueInWords(value, language);
    if (words !== undefined) return words;
    missing.push(path);
    if (fallback !== undefined) return fallback;
    return slot ? `[${idToWords(path.split('.').at(-1)!, language)}]` : language.phrases.unknown;
  });
  return { text: filled, missing };
}

/** "The request was refused." → "the request was refused" (for the middle of a sentence). */
export function asClause(sentence: string): string {
  const trimmed = sentence.trim().replace(/[.!]+$/, '');
  return /^[A-ZÀ-Ý](?:[a-zà-ÿ’']|\s)/.test(trimmed) ? trimmed[0]!.toLowerCase() + trimmed.slice(1) : trimmed;
}
