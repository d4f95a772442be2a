// crisis-playbook/fr: the default playbook in French, for `recommend(snapshot, { locale: 'fr', translations })`.
// Kept out of the main entry so that apps in other languages do not carry it.
export { defaultPlaybookFr } from './default/defaultPlaybookFr.js';
