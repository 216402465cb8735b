/**
 * Runs `work` over `items` with at most `limit` at a time. After a failure no new item is
 * started, and the first error is thrown only once the writes in flight have ended: a caller
 * that gives up its snapshot lease on error must not leave a blind write still on its way.
 */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length && !failure; i = next++) {
        try {
          await work(items[i] as T);
        } catch (error: unknown) {
          failure ??= { error };
        }
      }
    }),
  );
  if (failure) throw failure.error;
}
