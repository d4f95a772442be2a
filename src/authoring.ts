// crisis-playbook/authoring: write, check, extend and compile playbooks.

export { definePlaybook } from './definition/definePlaybook.js';
export { extendPlaybook, PlaybookBuilder } from './definition/extendPlaybook.js';
export type { BuildResult, InsertPosition, RungSpecOf, TransitionOf, WithRungs } from './definition/builderTypes.js';
export { parsePlaybook, safeParsePlaybook } from './definition/parsePlaybook.js';
export type { ParsePlaybookOptions, ParsePlaybookResult } from './definition/parsePlaybook.js';
export { conditionSchema, playbookDefinitionSchema } from './definition/schema.js';
export { playbookJsonSchema } from './definition/jsonSchema.js';
export { toMilliseconds } from './definition/durations.js';
export { missingTranslations, playbookTexts } from './definition/texts.js';
export { factQuestions, fieldQuestion } from './definition/questions.js';
export { builtinActionNames, builtinGuardNames } from './definition/builtins.js';
export { compilePlaybook, safeCompilePlaybook } from './compile/compilePlaybook.js';
export { compileGuards } from './compile/guards.js';
