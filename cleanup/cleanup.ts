import type { Clients } from './clients';
import { findAll } from './find';
import { KINDS } from './kinds';
import { removeAll } from './remove';
import { CleanupContext, Found, Kind, Outcome } from './resources';
import { CleanupScope } from './scope';

export interface CleanupOptions {
  readonly scope: CleanupScope;
  readonly clients: Clients;
  /** List what would be removed, remove nothing. */
  readonly dryRun: boolean;
  /** Also list the labs resources kept (other deployments and scenarios). @default false */
  readonly verbose?: boolean;
  /**
   * Asked once, with everything found, before anything is removed; false
   * removes nothing. @default - no question (`--yes`)
   */
  readonly confirm?: (found: readonly Found[]) => Promise<boolean>;
  /** A line of the listing (found, removed, failed, kept, the summary). */
  readonly out: (line: string) => void;
  /** A progress line. */
  readonly err: (line: string) => void;
  /** How long to wait for instances to terminate. @default 600000 (10 minutes) */
  readonly instanceWaitMs?: number;
  /** @default 5000 */
  readonly pollMs?: number;
  /** @default a setTimeout promise */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default every kind (kinds/index.ts) */
  readonly kinds?: readonly Kind[];
}

export interface CleanupSummary {
  readonly found: number;
  readonly removed: number;
  readonly failed: number;
  readonly kept: number;
  /** The question was asked and not answered yes. */
  readonly cancelled: boolean;
  /** The last line printed. */
  readonly line: string;
}

/** `<type> <id>` as every line shows a resource. */
function label(r: { type: string; id?: string }): string {
  return r.id === undefined ? `${r.type} (listing)` : `${r.type} ${r.id}`;
}

export function outcomeLine(outcome: Outcome): string {
  return outcome.ok ? `removed ${label(outcome)}${outcome.note ? ` (${outcome.note})` : ''}` : `failed ${label(outcome)}: ${outcome.reason}`;
}

/**
 * Finds what a scenario left behind in one account and region and, unless
 * it is a dry run or the question is answered no, removes it in a safe order,
 * one line per resource and a summary line.
 */
export async function runCleanup(options: CleanupOptions): Promise<CleanupSummary> {
  const ctx: CleanupContext = {
    scope: options.scope,
    clients: options.clients,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    instanceWaitMs: options.instanceWaitMs ?? 600_000,
    pollMs: options.pollMs ?? 5000,
  };
  const kinds = options.kinds ?? KINDS;
  const { scope } = options;
  options.err(`looking for what ${scope.scenario} (prefix ${scope.prefix}) left in ${scope.region}...`);
  const result = await findAll(ctx, kinds);
  // Removal order, then by id, so the listing reads as the removal will go.
  const order = new Map(kinds.map((k, i) => [k.type, i]));
  const found = [...result.found].sort((a, b) => order.get(a.type)! - order.get(b.type)! || a.id.localeCompare(b.id));
  for (const f of found) options.out(`found ${label(f)} (${f.why})`);
  for (const failure of result.failures) options.out(`failed ${label(failure)}: ${failure.reason}`);
  if (options.verbose) for (const k of result.kept) options.out(`kept ${label(k)}: ${k.reason}`);
  const kept = result.kept.length;
  const keptText = `${kept} kept${kept > 0 && !options.verbose ? ' (other deployments or scenarios; --verbose lists them)' : ''}`;
  const finish = (summary: Omit<CleanupSummary, 'line' | 'found' | 'kept'>, line: string): CleanupSummary => {
    options.out(line);
    return { ...summary, found: found.length, kept, line };
  };

  if (options.dryRun) {
    return finish(
      { removed: 0, failed: result.failures.length, cancelled: false },
      `dry run: ${found.length} to remove, ${result.failures.length} failed, ${keptText}; nothing removed`,
    );
  }
  if (found.length > 0 && options.confirm && !(await options.confirm(found))) {
    return finish({ removed: 0, failed: result.failures.length, cancelled: true }, `cancelled: nothing removed (${found.length} found, ${keptText})`);
  }
  if (found.length > 0) options.err(`removing ${found.length} resource${found.length === 1 ? '' : 's'}...`);
  let removed = 0;
  let failed = result.failures.length;
  await removeAll(
    ctx,
    found,
    (outcome) => {
      if (outcome.ok) removed++;
      else failed++;
      options.out(outcomeLine(outcome));
    },
    kinds,
  );
  return finish({ removed, failed, cancelled: false }, `${removed} removed, ${failed} failed, ${keptText}`);
}
