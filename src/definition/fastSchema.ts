import { z } from 'zod';

type Compile = <T extends z.ZodType>(schema: T) => T;
// zod 4.5 and later compile a schema ahead of time (`z.compile`); earlier 4.x releases do not.
const compile = (z as { compile?: Compile }).compile;

/**
 * A schema that parses exactly like `schema`, with the same results and the same issues, but
 * faster: compiled by zod (4.5 and later) into a generated function the first time `get` is
 * called, not at import. With an older zod, or where code cannot be generated (a strict
 * Content-Security-Policy), it is `schema` itself.
 */
export function fastSchema<T extends z.ZodType>(schema: T): { readonly get: () => T } {
  let fast: T | undefined;
  return {
    get: () => {
      if (fast === undefined) {
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
