import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { mapSchema, MapperKind } from '@graphql-tools/utils';

/** The slice budget `huitong start` uses unless HUITONG_SLICE_MS says otherwise, ms. */
export const DEFAULT_SLICE_MS = 20;

/**
 * Cuts the completion of a large result into slices of about `budgetMs`, so one request never holds the
 * event loop for long: health checks, other requests' I/O and timers run between slices. Once a stretch of
 * synchronous work has run past the budget, each further field waits for the next slice (after the event
 * loop's I/O phase) before it resolves, and checks again when it wakes. A request that fits in one slice
 * pays one counter per field.
 */
export class TimeSlicer {
  #sliceStart: number | undefined;
  #spent = false;
  #calls = 0;
  #next: Promise<void> | undefined;

  constructor(readonly budgetMs: number) {}

  /** Whether the current stretch of synchronous work has used its budget (the clock is read every 16th call). */
  due(): boolean {
    if (this.#sliceStart === undefined) {
      this.#sliceStart = performance.now();
      // Runs once the current stretch is over — the event loop turned — and starts the next one afresh.
      setImmediate(() => {
        this.#sliceStart = undefined;
        this.#spent = false;
      });
      return false;
    }
    if (!this.#spent && (++this.#calls & 15) === 0) this.#spent = performance.now() - this.#sliceStart > this.budgetMs;
    return this.#spent;
  }

  /** Runs `work` in a later slice with budget left. */
  async later<T>(work: () => T): Promise<Awaited<T>> {
    do {
      // One shared wake-up per slice, resolved from a macrotask after I/O has had its turn.
      this.#next ??= new Promise<void>((resolve) => setImmediate(() => ((this.#next = undefined), resolve())));
      await this.#next;
    } while (this.due());
    return await work();
  }
}

/**
 * The schema with every object field's resolver run through the slicer.
 *
 * @example
 * const served = timeSliced(schema, new TimeSlicer(20));
 */
export function timeSliced(schema: GraphQLSchema, slicer: TimeSlicer): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field) => {
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        resolve: (source, args, context, info) =>
          slicer.due() ? slicer.later(() => resolve(source, args, context, info)) : resolve(source, args, context, info),
      };
    },
  });
}
