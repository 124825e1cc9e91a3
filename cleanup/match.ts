import { PROJECT_TAG } from '../modules/lab-stack/lab-stack';
import { DECOY_BUCKET_PREFIX, LAB_TAG, LAUNCHED_BY_TAG_KEY, MINER_NAME } from '../modules/suspicious-api/app/contract';
import type { Creator } from './creator';
import { CleanupScope, SUSPICIOUS_API, minerLaunchedBy, namePrefix } from './scope';

/**
 * The matching rules, as pure functions: given what a listing returned about
 * one resource, does it belong to the scope (remove it), to another
 * deployment or scenario of the labs (keep it, and say why), or to nobody we
 * know (ignore it)? Every rule requires both the deployment (Prefix tag or
 * name prefix) and the scenario; anything unsure is kept.
 */

/** Tag key to value, as every finder normalizes them. */
export type Tags = Readonly<Record<string, string>>;

export type Verdict =
  /** Belongs to the scope: `why` says which rule matched. */
  | { readonly kind: 'match'; readonly why: string }
  /** A labs resource, but not the scope's: kept, with the reason. */
  | { readonly kind: 'other'; readonly reason: string }
  /** Nothing of the labs. */
  | { readonly kind: 'unrelated' };

/** The provider default tags every stack puts on its resources (modules/lab-stack). */
export const PROJECT_TAG_KEYS = { project: 'Project', scenario: 'Scenario', prefix: 'Prefix' } as const;

const UNRELATED: Verdict = { kind: 'unrelated' };

/** `[{Key, Value}]` lists (EC2, S3, SNS, ...) as a record; entries without a key are dropped. */
export function tagRecord(list: readonly { Key?: string; Value?: string }[] | undefined): Tags {
  const tags: Record<string, string> = {};
  for (const tag of list ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return tags;
}

/**
 * The default tags: `Project=cloudtrail-labs` makes it a labs resource; it is
 * the scope's only when `Prefix` and `Scenario` are the scope's too.
 */
export function projectTagVerdict(tags: Tags, scope: CleanupScope): Verdict {
  if (tags[PROJECT_TAG_KEYS.project] !== PROJECT_TAG) return UNRELATED;
  const prefix = tags[PROJECT_TAG_KEYS.prefix];
  const scenario = tags[PROJECT_TAG_KEYS.scenario];
  if (prefix !== scope.prefix) return { kind: 'other', reason: `prefix ${prefix ?? '(no Prefix tag)'}, not ${scope.prefix}` };
  if (scenario !== scope.scenario) return { kind: 'other', reason: `scenario ${scenario ?? '(no Scenario tag)'}, not ${scope.scenario}` };
  return { kind: 'match', why: `tagged Project=${PROJECT_TAG}, Scenario=${scenario}, Prefix=${prefix}` };
}

/**
 * A miner of the cat API: `Name=crypto-miner` and `lab=cloudtrail`, launched
 * by this deployment's API (`launched-by=<prefix>-suspicious-api-cat-api`).
 * Only the suspicious-api scenario has miners.
 */
export function minerVerdict(tags: Tags, scope: CleanupScope): Verdict {
  if (tags.Name !== MINER_NAME || tags[LAB_TAG.key] !== LAB_TAG.value) return UNRELATED;
  const launchedBy = tags[LAUNCHED_BY_TAG_KEY];
  if (scope.scenario !== SUSPICIOUS_API) return { kind: 'other', reason: `a ${SUSPICIOUS_API} miner, not ${scope.scenario}` };
  const ours = minerLaunchedBy(scope.prefix);
  if (launchedBy !== ours) return { kind: 'other', reason: `miner launched by ${launchedBy ?? '(no launched-by tag)'}, not ${ours}` };
  return { kind: 'match', why: `miner: Name=${MINER_NAME}, ${LAB_TAG.key}=${LAB_TAG.value}, ${LAUNCHED_BY_TAG_KEY}=${launchedBy}` };
}

/** A `random-val-*` bucket tagged `lab=cloudtrail`, the shape of the cat API's decoy, whoever made it. */
export function isDecoyShaped(name: string, tags: Tags): boolean {
  return name.startsWith(DECOY_BUCKET_PREFIX) && tags[LAB_TAG.key] === LAB_TAG.value;
}

/**
 * A `random-val-*` bucket tagged `lab=cloudtrail`: the cat API's decoy. The
 * app tags it with `lab` only, so the deployment that made it is told by a
 * `launched-by` tag if it has one, else by who created it according to
 * CloudTrail (the API's instance role is named like its `launched-by`). One
 * made by another deployment is kept; one whose creator is unknown is
 * removed, saying so: any suspicious-api deployment in the account may have
 * made it.
 */
export function decoyBucketVerdict(name: string, tags: Tags, scope: CleanupScope, creator?: Creator): Verdict {
  if (!isDecoyShaped(name, tags)) return UNRELATED;
  if (scope.scenario !== SUSPICIOUS_API) return { kind: 'other', reason: `a ${SUSPICIOUS_API} decoy bucket, not ${scope.scenario}` };
  const shape = `decoy: ${DECOY_BUCKET_PREFIX}* tagged ${LAB_TAG.key}=${LAB_TAG.value}`;
  const ours = minerLaunchedBy(scope.prefix);
  const launchedBy = tags[LAUNCHED_BY_TAG_KEY];
  if (launchedBy !== undefined) {
    return launchedBy === ours
      ? { kind: 'match', why: `${shape}, ${LAUNCHED_BY_TAG_KEY}=${launchedBy}` }
      : { kind: 'other', reason: `decoy bucket launched by ${launchedBy}, not ${ours}` };
  }
  if (creator?.known) {
    return creator.principal === ours
      ? { kind: 'match', why: `${shape}, created by ${creator.principal} (CloudTrail CreateBucket)` }
      : { kind: 'other', reason: `decoy bucket created by ${creator.principal} (CloudTrail CreateBucket), not ${ours}` };
  }
  const unknown = creator ? `: ${creator.reason}` : '';
  return { kind: 'match', why: `${shape}; who made it is unknown${unknown}; any suspicious-api deployment in this account may have` };
}

/** The first match of several rules; otherwise the first "other"; otherwise unrelated. */
export function firstMatch(...verdicts: Verdict[]): Verdict {
  return verdicts.find((v) => v.kind === 'match') ?? verdicts.find((v) => v.kind === 'other') ?? UNRELATED;
}

/** EC2 instances: the scenario's own (default tags) or, for suspicious-api, its miners. */
export function instanceVerdict(tags: Tags, scope: CleanupScope): Verdict {
  return firstMatch(projectTagVerdict(tags, scope), minerVerdict(tags, scope));
}

/** S3 buckets: the scenario's own (default tags) or, for suspicious-api, its decoys. */
export function bucketVerdict(name: string, tags: Tags, scope: CleanupScope, creator?: Creator): Verdict {
  return firstMatch(projectTagVerdict(tags, scope), decoyBucketVerdict(name, tags, scope, creator));
}

/**
 * KMS keys (customer managed, not pending deletion): the default tags, or an
 * alias `alias/<prefix>-<scenario>-*` when the key's tags do not name another
 * deployment or scenario.
 */
export function kmsKeyVerdict(tags: Tags, aliases: readonly string[], scope: CleanupScope): Verdict {
  const byTags = projectTagVerdict(tags, scope);
  if (byTags.kind !== 'unrelated') return byTags;
  const alias = aliases.find((a) => a.startsWith(`alias/${namePrefix(scope)}`));
  return alias ? { kind: 'match', why: `alias ${alias}` } : UNRELATED;
}

/** The aliases of a matched key that carry the scope's names (the others are left alone). */
export function scopeAliases(aliases: readonly string[], scope: CleanupScope): string[] {
  return aliases.filter((a) => a.startsWith(`alias/${namePrefix(scope)}`));
}

/**
 * Kinds found by name (IAM entities, global, groups without tags; Athena
 * workgroups): the name starts with `<prefix>-<scenario>-`, and the tags,
 * when they were read, do not name another deployment or scenario.
 */
export function nameVerdict(name: string, tags: Tags | undefined, scope: CleanupScope): Verdict {
  if (!name.startsWith(namePrefix(scope))) return UNRELATED;
  const byTags = tags ? projectTagVerdict(tags, scope) : UNRELATED;
  if (byTags.kind === 'other') return { kind: 'other', reason: `named ${namePrefix(scope)}* but its tags say ${byTags.reason}` };
  return { kind: 'match', why: `named ${namePrefix(scope)}*${byTags.kind === 'match' ? ' and tagged' : ''}` };
}
