import { KINDS } from './kinds';
import { CleanupContext, FindResult, Kind, describeError } from './resources';

/**
 * Lists every kind (all at once) and sorts what each returns: the scope's
 * resources in removal order, other labs resources kept, and the listings
 * that failed. A failed listing does not stop the others.
 */
export async function findAll(ctx: CleanupContext, kinds: readonly Kind[] = KINDS): Promise<FindResult> {
  const results = await Promise.all(
    kinds.map(async (kind) => {
      try {
        const { found, kept, failures = [] } = await kind.find(ctx);
        return { found, kept, failures };
      } catch (error) {
        return { found: [], kept: [], failures: [{ type: kind.type, reason: `could not list: ${describeError(error)}` }] };
      }
    }),
  );
  return {
    found: results.flatMap((r) => r.found),
    kept: results.flatMap((r) => r.kept),
    failures: results.flatMap((r) => r.failures),
  };
}
