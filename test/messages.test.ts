import { describe, expect, it } from 'vitest';
import { createIncident, crisisMachine, IncidentError, InputValidationError, safeParseEvent } from 'crisis-playbook';
import { openIncident, parseStoredIncident, safeDecide } from 'crisis-playbook/server';

const t0 = Date.parse('2026-04-06T19:00:00Z');
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function refusal(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe('messages that quote input', () => {
  it('quote a short prefix of a huge event type and say how long it was', () => {
    const result = safeParseEvent({ type: 'x'.repeat(1_000_000) });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.message.length).toBeLessThan(800);
    expect(result.error.message).toContain('(a string of 1,000,000 characters)');
  });

  it('quote a short prefix of a huge string in a stored document', () => {
    const stored = JSON.parse(JSON.stringify(openIncident({ now: t0 }).incident)) as { playbook: { version: string } };
    stored.playbook.version = 'v'.repeat(50_000_000);
    const error = refusal(() => parseStoredIncident(stored)) as IncidentError;
    expect(error).toBeInstanceOf(IncidentError);
    expect(error.message.length).toBeLessThan(800);
    const asText = safeDecide(JSON.stringify(stored), { type: 'assessment.complete' }, { now: t0 });
    expect(asText.success).toBe(false);
    if (!asText.success) expect(asText.error.message.length).toBeLessThan(800);
  });

  it('describe a cyclic payload instead of printing [object Object]', () => {
    const facts: Record<string, unknown> = { venue: 'private-group' };
    facts.self = facts;
    const result = safeParseEvent({ type: 'facts.update', facts });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.message).not.toContain('[object Object]');
    const cyclicType: Record<string, unknown> = {};
    cyclicType.type = cyclicType;
    const unknown = safeParseEvent(cyclicType);
    expect(unknown.success ? '' : unknown.error.message).toContain('[Circular]');
  });

  it('describe BigInts, symbols and functions', () => {
    const big = safeParseEvent({ type: 'call.completed', apology: 10n, agreement: true });
    expect(big.success ? '' : big.error.message).toContain('received bigint');
    const now = safeDecide(openIncident({ now: t0 }).incident, { type: 'assessment.complete' }, { now: 10n as unknown as number });
    expect(now.success ? '' : now.error.issues[0]!.message).toMatch(/received 10n$/);
  });

  it('keep line breaks and escape sequences of the input out of the message lines', () => {
    const result = safeParseEvent({ type: 'threat.reported', kind: 'hug\n\u001b[2J\u009b' });
    expect(result.success).toBe(false);
    if (result.success) return;
    for (const issue of result.error.issues) expect(issue.message).not.toMatch(controls);
  });

  it('keep invalid input short in the error of a live incident', () => {
    const error = refusal(() => createIncident(crisisMachine, { input: { facts: { venue: 'v'.repeat(1_000_000) } } as never }));
    expect(error).toBeInstanceOf(InputValidationError);
    expect(error.message.length).toBeLessThan(800);
  });
});
