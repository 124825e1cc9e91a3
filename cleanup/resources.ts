import type { Clients } from './clients';
import type { Tags, Verdict } from './match';
import type { CleanupScope } from './scope';

/** The kinds of resource a cleanup looks for, in the words its output uses. */
export type ResourceType =
  | 'ec2-instance'
  | 'security-group'
  | 's3-bucket'
  | 'kms-key'
  | 'lambda-function'
  | 'log-group'
  | 'sns-topic'
  | 'sqs-queue'
  | 'eventbridge-rule'
  | 'cloudtrail-trail'
  | 'athena-workgroup'
  | 'iam-instance-profile'
  | 'iam-role'
  | 'iam-user'
  | 'iam-group'
  | 'iam-policy';

/** A resource of the scope, to remove. */
export interface Found {
  readonly type: ResourceType;
  /** What the output shows: a name or id. */
  readonly id: string;
  /** What the API takes, when it differs from `id` (an ARN, a queue URL). */
  readonly ref?: string;
  /** Which rule matched. */
  readonly why: string;
  /** Kind-specific facts the remover needs (e.g. a key's aliases). */
  readonly extra?: readonly string[];
}

/** A resource of the labs that is not the scope's: left alone. */
export interface Kept {
  readonly type: ResourceType;
  readonly id: string;
  readonly reason: string;
}

/** A listing that failed (what it would have found is unknown), or one resource that could not be sorted. */
export interface FindFailure {
  readonly type: ResourceType;
  /** @default - the whole listing failed */
  readonly id?: string;
  readonly reason: string;
}

export interface FindResult {
  readonly found: Found[];
  readonly kept: Kept[];
  readonly failures: FindFailure[];
}

export type Outcome =
  | { readonly ok: true; readonly type: ResourceType; readonly id: string; readonly note?: string }
  | { readonly ok: false; readonly type: ResourceType; readonly id: string; readonly reason: string };

/** What finders and removers work with. */
export interface CleanupContext {
  readonly scope: CleanupScope;
  readonly clients: Clients;
  /** Waits between polls (a test passes a fake one). */
  readonly sleep: (ms: number) => Promise<void>;
  /** How long to wait for instances to terminate. */
  readonly instanceWaitMs: number;
  /** Time between polls while waiting (instances, security groups still in use). */
  readonly pollMs: number;
}

/** One kind of resource: how to find the scope's, and how to remove them. */
export interface Kind {
  readonly type: ResourceType;
  /** Lists the kind and sorts each resource into found, kept or ignored. */
  find(ctx: CleanupContext): Promise<{ found: Found[]; kept: Kept[]; failures?: FindFailure[] }>;
  /** Removes the given resources, reporting each outcome as it happens. */
  remove(ctx: CleanupContext, items: readonly Found[], report: (outcome: Outcome) => void): Promise<void>;
}

/** A resource a listing returned, with the verdict of the matching rules. */
export interface Candidate {
  readonly type: ResourceType;
  readonly id: string;
  readonly ref?: string;
  readonly extra?: readonly string[];
  readonly verdict: Verdict;
}

/** Matches become found, other labs resources kept, the rest is dropped. */
export function sortCandidates(candidates: readonly Candidate[]): { found: Found[]; kept: Kept[] } {
  const found: Found[] = [];
  const kept: Kept[] = [];
  for (const { verdict, ...resource } of candidates) {
    if (verdict.kind === 'match') found.push({ ...resource, why: verdict.why });
    else if (verdict.kind === 'other') kept.push({ type: resource.type, id: resource.id, reason: verdict.reason });
  }
  return { found, kept };
}

/** Removes resources one at a time: a failure is reported and the next one tried. */
export async function removeEach(
  items: readonly Found[],
  report: (outcome: Outcome) => void,
  removeOne: (item: Found) => Promise<string | undefined>,
): Promise<void> {
  for (const item of items) {
    try {
      const note = await removeOne(item);
      report({ ok: true, type: item.type, id: item.id, note });
    } catch (error) {
      if (isGone(error)) report({ ok: true, type: item.type, id: item.id, note: 'already gone' });
      else report({ ok: false, type: item.type, id: item.id, reason: describeError(error) });
    }
  }
}

/** `Name: message` of an SDK error, or the message of another. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return `${name}${error.message}`;
  }
  return String(error);
}

/** The "it does not exist" errors of the services used here. */
const GONE = new Set([
  'NoSuchBucket',
  'NoSuchEntity',
  'NoSuchEntityException',
  'NotFoundException',
  'NotFound',
  'ResourceNotFoundException',
  'InvalidInstanceID.NotFound',
  'InvalidGroup.NotFound',
  'AWS.SimpleQueueService.NonExistentQueue',
  'QueueDoesNotExist',
  'TrailNotFoundException',
]);

export function isGone(error: unknown): boolean {
  return error instanceof Error && GONE.has(error.name);
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One listed resource whose tags are read with a call of its own. */
export interface Listed {
  readonly id: string;
  readonly ref?: string;
  readonly extra?: readonly string[];
}

/**
 * Reads each listed resource's tags (8 calls at a time) and sorts it with
 * `verdict`. A resource whose tags cannot be read is never removed; it is
 * reported as a failure when its name says it may be the scope's (by
 * default: contains `<prefix>-<scenario>-`), and ignored otherwise.
 */
export async function classifyByTags(
  ctx: CleanupContext,
  type: ResourceType,
  listed: readonly Listed[],
  readTags: (item: Listed) => Promise<Tags>,
  verdict: (item: Listed, tags: Tags) => Verdict,
  mayBeOurs: (item: Listed) => boolean = (item) => item.id.includes(`${ctx.scope.prefix}-${ctx.scope.scenario}-`),
): Promise<{ found: Found[]; kept: Kept[]; failures: FindFailure[] }> {
  const failures: FindFailure[] = [];
  const candidates = await mapLimit(listed, 8, async (item): Promise<Candidate | undefined> => {
    try {
      return { type, ...item, verdict: verdict(item, await readTags(item)) };
    } catch (error) {
      if (isGone(error)) return undefined;
      if (mayBeOurs(item)) failures.push({ type, id: item.id, reason: `could not read its tags: ${describeError(error)}` });
      return undefined;
    }
  });
  return { ...sortCandidates(candidates.filter((c): c is Candidate => c !== undefined)), failures };
}
