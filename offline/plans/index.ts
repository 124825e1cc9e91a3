import { auditTrailPlan } from './audit-trail';
import { kmsMysteryPlan } from './kms-mystery';
import { OfflinePlan } from './plan';
import { sseKmsBucketPlan } from './sse-kms-bucket';
import { suspiciousApiPlan } from './suspicious-api';

/** The scenarios that run offline end to end, with their plans. */
export const OFFLINE_PLANS: readonly OfflinePlan[] = [kmsMysteryPlan, auditTrailPlan, sseKmsBucketPlan, suspiciousApiPlan];

/** The offline plan of a scenario, or an error listing the scenarios that have one. */
export function findPlan(scenario: string): OfflinePlan {
  const plan = OFFLINE_PLANS.find((p) => p.scenario === scenario);
  if (!plan) {
    throw new Error(`${scenario} has no offline run; scenarios that run with --local: ${OFFLINE_PLANS.map((p) => p.scenario).join(', ')}`);
  }
  return plan;
}
