import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock, createActor } from 'xstate';
import { crisisMachine, currentRung, InputValidationError } from 'crisis-playbook';
import { pathTo, startIncident } from './helpers.js';

const HOUR = 3_600_000;

describe('waiting windows in a live actor (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-04-06T19:00:00.000Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('moves on from request access to a private message when the 24 h access window runs out', () => {
    const actor = startIncident(pathTo.requestingAccess);
    vi.advanceTimersByTime(24 * HOUR - 1);
    expect(currentRung(actor.getSnapshot())).toBe('requestingAccess');
    vi.advanceTimersByTime(1);
    expect(currentRung(actor.getSnapshot())).toBe('directMessage');
    expect(actor.getSnapshot().context.timeline.at(-1)).toEqual({
      at: '2026-04-07T19:00:00.000Z',
      type: 'window.elapsed',
      window: 'accessWindow',
      from: 'requestingAccess',
      to: 'directMessage',
    });
    actor.stop();
  });

  it('routes an unanswered message by the facts when the reply window runs out', () => {
    const withInsider = startIncident(pathTo.intermediary.filter((e) => e.type !== 'message.ignored'));
    const withoutInsider = startIncident(pathTo.directMessage);
    vi.advanceTimersByTime(24 * HOUR);
    expect(currentRung(withInsider.getSnapshot())).toBe('intermediary');
    expect(currentRung(withoutInsider.getSnapshot())).toBe('monitoring');
    vi.advanceTimersByTime(48 * HOUR);
    expect(currentRung(withInsider.getSnapshot())).toBe('monitoring');
    expect(withInsider.getSnapshot().context.timeline.at(-1)).toMatchObject({ window: 'intermediaryWindow' });
  });

  it('cancels the window when the rung is left early', () => {
    const actor = startIncident(pathTo.requestingAccess);
    vi.advanceTimersByTime(23 * HOUR);
    actor.send({ type: 'access.denied' });
    const entries = actor.getSnapshot().context.timeline.length;
    // Past the end of the access window: it must not fire, and the reply window (24 h from
    // entering directMessage) is not due yet.
    vi.advanceTimersByTime(2 * HOUR);
    expect(currentRung(actor.getSnapshot())).toBe('directMessage');
    expect(actor.getSnapshot().context.timeline).toHaveLength(entries);
    vi.advanceTimersByTime(22 * HOUR);
    expect(currentRung(actor.getSnapshot())).toBe('monitoring');
  });

  it('starts the reply window again when the message actually goes out', () => {
    const actor = startIncident(pathTo.directMessage);
    vi.advanceTimersByTime(23 * HOUR);
    actor.send({ type: 'message.sent' });
    vi.advanceTimersByTime(HOUR);
    expect(currentRung(actor.getSnapshot())).toBe('directMessage');
    vi.advanceTimersByTime(23 * HOUR - 1);
    expect(currentRung(actor.getSnapshot())).toBe('directMessage');
    vi.advanceTimersByTime(1);
    expect(currentRung(actor.getSnapshot())).toBe('monitoring');
  });

  it('starts the access window again when the request is actually sent', () => {
    const actor = startIncident(pathTo.requestingAccess);
    vi.advanceTimersByTime(20 * HOUR);
    actor.send({ type: 'access.requested' });
    vi.advanceTimersByTime(23 * HOUR);
    expect(currentRung(actor.getSnapshot())).toBe('requestingAccess');
    vi.advanceTimersByTime(HOUR);
    expect(currentRung(actor.getSnapshot())).toBe('directMessage');
  });

  it('takes per-incident windows from the input', () => {
    const actor = createActor(crisisMachine, { input: { windows: { replyWindow: '2h', accessWindow: 30 * 60_000 } } }).start();
    actor.send({ type: 'assessment.complete' });
    vi.advanceTimersByTime(2 * HOUR);
    expect(currentRung(actor.getSnapshot())).toBe('monitoring');
  });

  it('takes per-app windows from provide', () => {
    const machine = crisisMachine.provide({ delays: { replyWindow: HOUR } });
    const actor = createActor(machine).start();
    actor.send({ type: 'assessment.complete' });
    vi.advanceTimersByTime(HOUR);
    expect(currentRung(actor.getSnapshot())).toBe('monitoring');
  });
});

describe('waiting windows with a SimulatedClock', () => {
  it('fires the 48 h intermediary window and not before', () => {
    const clock = new SimulatedClock();
    const actor = startIncident(pathTo.intermediary, { clock });
    clock.increment(48 * HOUR - 1);
    expect(currentRung(actor.getSnapshot())).toBe('intermediary');
    clock.increment(1);
    expect(currentRung(actor.getSnapshot())).toBe('monitoring');
  });
});

describe('incident input', () => {
  it.each([
    [{ windows: { replyWindow: '-1h' } }, ['windows', 'replyWindow']],
    [{ windows: { replyWindow: 0 } }, ['windows', 'replyWindow']],
    [{ windows: { coffeeWindow: '1h' } }, ['windows']],
    [{ facts: { venue: 'forum' } }, ['facts', 'venue']],
  ])('rejects %o: the actor is in error with an issue at its path', (input, path) => {
    const snapshot = createActor(crisisMachine, { input: input as never }).getSnapshot();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error).toBeInstanceOf(InputValidationError);
    expect((snapshot.error as InputValidationError).issues[0]!.path).toEqual(path);
  });

  it('accepts the facts known at the start', () => {
    const actor = createActor(crisisMachine, { input: { facts: { knowsPoster: true } } }).start();
    actor.send({ type: 'assessment.complete' });
    expect(currentRung(actor.getSnapshot())).toBe('phoneCall');
  });
});
