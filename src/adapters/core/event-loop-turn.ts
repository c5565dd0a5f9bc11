let pending: Promise<void> | null = null;

/**
 * Resolves after one turn of the event loop (I/O callbacks, such as a health check, run meanwhile).
 * Every caller in the same task gets the same turn, and all of them resume together, in call order: work
 * started side by side — several departments asked at once — stays side by side, so what batches it
 * (DataLoader, the catalogue lookups) still sees it in one tick.
 *
 * @example
 * await eventLoopTurn(); // then run a connector that works on the main thread
 */
export function eventLoopTurn(): Promise<void> {
  pending ??= new Promise<void>((resolve) =>
    setImmediate(() => {
      pending = null;
      resolve();
    }),
  );
  return pending;
}
