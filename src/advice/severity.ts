// How severe an incident is: the playbook's levels and rules, evaluated on the incident now.
import { hasResponded, isFinished, responseTarget, severityRankOf } from '../compile/reminders.js';
import type { SeverityLevelSpec } from '../definition/types.js';
import { conditionReasons, holdsNow, type Reason, type ReasonScope } from './reasons.js';
import { asClause } from './wording.js';

/**
 * How severe an incident is, by the playbook's rules: its level, the response-time target of
 * that level and, while nobody has responded yet, when the first response is due.
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine, currentSeverity, type Severity } from 'crisis-playbook';
 *
 * const incident = createIncident(crisisMachine).start();
 * incident.send({ type: 'threat.reported', kind: 'violence' });
 * const severity: Severity | undefined = currentSeverity(incident.getSnapshot());
 * console.log(severity?.level, severity?.respondWithin); // 'critical' 900000
 * incident.stop();
 * ```
 *
 * @category Advice
 */
export interface Severity {
  /** The level's id (`critical`). */
  readonly level: string;
  /** Its title, in the language asked for. */
  readonly title: string;
  /** Its place among the levels, from 0 (the lowest). */
  readonly rank: number;
  /** The response-time target of the level, in milliseconds. */
  readonly respondWithin?: number;
  /**
   * When the first response is due (ISO 8601: the opening plus `respondWithin`), while no event
   * that moves the ladder has been recorded yet; absent once someone responded.
   */
  readonly respondBy?: string;
  /** Why: the level's description, then the answers of the guards in the rule that raised it. */
  readonly because: readonly Reason[];
}

/** The severity of the incident in `scope`, or `undefined` when the playbook defines none. */
export function severityIn(scope: ReasonScope): { readonly severity: Severity; readonly spec: SeverityLevelSpec; readonly responded: boolean } | undefined {
  const { definition, context, language } = scope;
  const levels = definition.severity?.levels;
  if (levels === undefined || levels.length === 0) return undefined;
  // The same rules as the reminders the machine keeps (see `pendingRemindersOf`).
  const { rank, rule } = severityRankOf(definition, (condition) => holdsNow(scope, condition));
  const raisedBy: Reason[] = rule === undefined ? [] : conditionReasons(scope, rule.when, true);
  const spec = levels[rank]!;
  const respondWithin = responseTarget(definition, spec.id);
  // Over, too, once the incident finished: no first response is awaited, nor advised.
  const responded = hasResponded(definition, context) || isFinished(definition, context);
  const opened = context.openedAt ?? context.timeline[0]?.at;
  const respondBy =
    respondWithin !== undefined && !responded && opened !== undefined ? new Date(Date.parse(opened) + respondWithin).toISOString() : undefined;
  const title = language.t(spec.title);
  return {
    spec,
    responded,
    severity: {
      level: spec.id,
      title,
      rank,
      ...(respondWithin !== undefined ? { respondWithin } : {}),
      ...(respondBy !== undefined ? { respondBy } : {}),
      because: [{ kind: 'severity', text: language.phrases.severity(title, asClause(language.t(spec.description))) }, ...raisedBy],
    },
  };
}
