import { Construct } from 'constructs';
import { DeploymentSettings } from '../deployment/settings';
import { LabStack } from '../modules/lab-stack/lab-stack';
import { StateBackendStack } from '../backend/state-backend-stack';
import { auditTrail } from './audit-trail/stack';
import { kmsMystery } from './kms-mystery/stack';
import { Scenario } from './scenario';
import { sseKmsBucket } from './sse-kms-bucket/stack';
import { suspiciousApi } from './suspicious-api/stack';

/** Every lab, in the order `cloudtrail-lab list` shows them. */
export const SCENARIOS: readonly Scenario[] = [kmsMystery, auditTrail, sseKmsBucket, suspiciousApi];

/** The stack that creates the S3 state bucket; not a lab, but synthesized with them. */
export const STATE_BACKEND_STACK = 'state-backend';

/** Every stack name the app synthesizes. */
export function stackNames(): string[] {
  return [...SCENARIOS.map((s) => s.name), STATE_BACKEND_STACK];
}

/** The scenario called `name`, or an error listing the valid names. */
export function findScenario(name: string): Scenario {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) {
    throw new Error(`unknown scenario "${name}"; valid scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  return scenario;
}

/**
 * Adds stacks to an app: all of them, or only the one named (a scenario or
 * `state-backend`), with an error listing the valid names otherwise.
 */
export function buildStacks(scope: Construct, settings: DeploymentSettings, only?: string): LabStack[] {
  if (only !== undefined && !stackNames().includes(only)) {
    throw new Error(
      `unknown scenario "${only}"; valid scenarios: ${SCENARIOS.map((s) => s.name).join(', ')} (or ${STATE_BACKEND_STACK} for the state bucket)`,
    );
  }
  const stacks: LabStack[] = [];
  for (const scenario of SCENARIOS) {
    if (only === undefined || only === scenario.name) stacks.push(scenario.build(scope, settings));
  }
  if (only === undefined || only === STATE_BACKEND_STACK) {
    stacks.push(new StateBackendStack(scope, STATE_BACKEND_STACK, { settings }));
  }
  return stacks;
}
