import { Naming } from '../deployment/naming';

/**
 * What one cleanup may touch: the resources of one scenario, deployed with
 * one prefix, in one region (IAM, being global, by name only).
 */
export interface CleanupScope {
  /** The deployment prefix (`CTLAB_PREFIX`), already validated. */
  readonly prefix: string;
  /** The scenario name, one of the registry's. */
  readonly scenario: string;
  /** The region looked in. */
  readonly region: string;
}

/** The scenario whose cat API launches miners and creates `random-val-*` buckets. */
export const SUSPICIOUS_API = 'suspicious-api';

/**
 * `<prefix>-<scenario>-`: how every physical name of the scenario starts
 * (deployment/naming.ts), for the kinds found by name (IAM) or alias (KMS).
 */
export function namePrefix(scope: Pick<CleanupScope, 'prefix' | 'scenario'>): string {
  return new Naming(scope.prefix, scope.scenario).name('');
}

/**
 * The `launched-by` tag on miners of one deployment's cat API:
 * `<prefix>-suspicious-api-cat-api`, as the SuspiciousApi construct names its
 * instance (`naming.name('cat-api')`); a test checks the two agree.
 */
export function minerLaunchedBy(prefix: string): string {
  return new Naming(prefix, SUSPICIOUS_API).name('cat-api');
}
