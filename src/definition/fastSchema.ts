import { z } from 'zod';

type Compile = <T extends z.ZodType>(schema: T) => T;
// zod 4.5 and later compile a schema ahead of time (`z.compile`); earlier 4.x releases do not.
const compile = (z as { compile?: Compile }).compile;

/**
 * A schema that parses exactly like `schema`, with the same results and the same issues, but
 * faster: compiled by zod (4.5 and later) into a generated function the first time `get` is
 * called, not at import. With an older zod, or where code cannot be generated (a strict
 * Content-Security-Policy), it is `schema` itself. `schema` may be given as a function that
 * builds it, called on that first use too (building many schemas slows importing).
 */
export function fastSchema<T extends z.ZodType>(schema: T | (() => T)): { readonly get: () => T } {
  let fast: T | undefined;
  return {
    get: () => {
      if (fast === undefined) {
        if (typeof schema === 'function') schema = schema();
        try {
          fast = typeof compile === 'function' ? compile(schema) : schema;
        } catch {
          fast = schema;
        }
      }
      return fast;
    },
  };
}
