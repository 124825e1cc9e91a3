import { KINDS } from './kinds';
import { CleanupContext, Found, Kind, Outcome, describeError } from './resources';

/**
 * Removes what was found, kind by kind in the order of `kinds`, reporting
 * each resource as it goes. A failure is reported and the rest goes on.
 */
export async function removeAll(ctx: CleanupContext, found: readonly Found[], report: (outcome: Outcome) => void, kinds: readonly Kind[] = KINDS): Promise<void> {
  for (const kind of kinds) {
    const items = found.filter((f) => f.type === kind.type);
    if (items.length === 0) continue;
    const reported = new Set<string>();
    try {
      await kind.remove(ctx, items, (outcome) => {
        reported.add(outcome.id);
        report(outcome);
      });
    } catch (error) {
      // A remover that gave up part-way: what it did not report failed.
      for (const item of items) if (!reported.has(item.id)) report({ ok: false, type: item.type, id: item.id, reason: describeError(error) });
    }
  }
}
