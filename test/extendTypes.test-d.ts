import { describe, expectTypeOf, it } from 'vitest';
import { createActor } from 'xstate';
import { z } from 'zod';
import { currentRung, defaultPlaybook, type EventOf, type RungOf } from 'crisis-playbook';
import { compilePlaybook, extendPlaybook } from 'crisis-playbook/authoring';
import { acmePlaybook } from '../examples/custom-rung/playbook.js';

describe('an extended playbook', () => {
  const actor = createActor(compilePlaybook(acmePlaybook));

  it('adds its events to the machine’s event union', () => {
    actor.send({ type: 'legal.cleared' });
    actor.send({ type: 'legal.cleared', counsel: 'R. Patel' });
    actor.send({ type: 'statement.published', by: 'Comms' });
    actor.send({ type: 'threat.reported', kind: 'legal-action' });
    // @ts-expect-error misspelled event type
    actor.send({ type: 'legal.clear' });
    // @ts-expect-error counsel is a string
    actor.send({ type: 'legal.cleared', counsel: 42 });
  });

  it('types the rung of an extended machine', () => {
    expectTypeOf(currentRung(actor.getSnapshot())).toEqualTypeOf<RungOf<typeof acmePlaybook>>();
  });

  it('adds its rung ids and removes the removed ones', () => {
    expectTypeOf<'legalReview'>().toExtend<RungOf<typeof acmePlaybook>>();
    expectTypeOf<'holdingStatement'>().toExtend<RungOf<typeof acmePlaybook>>();
    const noGroups = extendPlaybook(defaultPlaybook).removeRung('requestingAccess').build();
    expectTypeOf<RungOf<typeof noGroups>>().toEqualTypeOf<
      'gatheringInfo' | 'directMessage' | 'intermediary' | 'phoneCall' | 'monitoring' | 'resolved' | 'closed'
    >();
  });

  it('types events declared with a zod schema from the schema', () => {
    const playbook = extendPlaybook(defaultPlaybook)
      .addEvents({ 'refund.offered': { schema: z.object({ amount: z.number(), currency: z.enum(['EUR', 'GBP']) }) } })
      .build();
    type Refund = Extract<EventOf<typeof playbook>, { type: 'refund.offered' }>;
    expectTypeOf<Refund['amount']>().toEqualTypeOf<number>();
    const refunds = createActor(compilePlaybook(playbook));
    refunds.send({ type: 'refund.offered', amount: 20, currency: 'EUR' });
    // @ts-expect-error currency must be EUR or GBP
    refunds.send({ type: 'refund.offered', amount: 20, currency: 'USD' });
  });

  it('only accepts existing rungs as anchors and removal targets', () => {
    const builder = extendPlaybook(defaultPlaybook);
    // @ts-expect-error no such rung
    builder.removeRung('legalReview');
    // @ts-expect-error cannot reroute to the rung being removed
    builder.removeRung('directMessage', { rerouteTo: 'directMessage' });
    // @ts-expect-error no such window
    builder.setWindow('legalWindow', '1h');
    // @ts-expect-error misspelled event in an added transition
    builder.addTransitions('monitoring', [{ event: 'contact.recieved', target: 'phoneCall' }]);
    // @ts-expect-error misspelled target
    builder.addTransitions('monitoring', [{ event: 'contact.received', target: 'phoneCal' }]);

  });
});
