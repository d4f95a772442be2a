import { z } from 'zod';

type Compile = <T extends z.ZodType>(schema: T) => T;
// zod 4.5 and later compile a schema ahead of time (`z.compile`); earlier 4.x releases do not.
const compile = (z as { compile?: Compile }).compile;

/** `build`, called the first time the returned function is, and its result kept (`build` must not return `undefined`). */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

/**
 * A schema that parses exactly like `schema`, with the same results and the same issues, but
 * faster: compiled by zod (4.5 and later) into a generated function the first time `get` is
 * called, not at import. With an older zod, or where code cannot be generated (a strict
 * Content-Security-Policy), it is `schema` itself. `schema` may be given as a function that
 * builds it, called on that first use too (building many schemas slows importing).
 */
export function fastSchema<T extends z.ZodType>(schema: T | (() => T)): { readonly get: () => T } {
  return {
    get: once(() => {
      const built = typeof schema === 'function' ? schema() : schema;
      try {
        return typeof compile === 'function' ? compile(built) : built;
      } catch {
        return built;
      }
    }),
  };
}
