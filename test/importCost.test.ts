import { afterEach, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { defaultPlaybook } from '../src/default/defaultPlaybook.js';
import { bySchema, createEventSchema, timeSchema } from '../src/events/eventSchemas.js';

// What importing the main entry must not do: it is paid by every process that imports it.
describe('importing the main entry', () => {
  afterEach(() => vi.restoreAllMocks());

  it('formats no number with the locale data (the first locale-aware call costs ≈15 ms)', async () => {
    const toLocaleString = vi.spyOn(Number.prototype, 'toLocaleString');
    const numberFormat = vi.spyOn(Intl, 'NumberFormat');
    vi.resetModules();
    const main = await import('../src/index.js');
    expect(main.crisisMachine.id).toBe(defaultPlaybook.id);
    expect(toLocaleString).not.toHaveBeenCalled();
    expect(numberFormat).not.toHaveBeenCalled();
  });
});

describe('the field schemas built on first use', () => {
  it('are the ones the stored-incident schema uses (one of each)', () => {
    const shape = (createEventSchema(defaultPlaybook, 'message.sent') as z.ZodObject).shape;
    expect((shape['at'] as z.ZodOptional).unwrap()).toBe(timeSchema);
    expect((shape['by'] as z.ZodOptional).unwrap()).toBe(bySchema);
    expect((createEventSchema(defaultPlaybook, 'facts.update') as z.ZodObject).shape['at']).toBe(shape['at']);
  });
});
