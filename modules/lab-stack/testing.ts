import { Testing } from 'cdktf';
import { DeploymentSettings } from '../../deployment/settings';
import { LabStack } from './lab-stack';

/** Settings for tests: the default prefix and region, local state. */
export const TEST_SETTINGS: DeploymentSettings = { prefix: 'ctlab', region: 'us-east-1' };

/** A LabStack in a fresh test app. */
export function newTestStack(id = 'test-lab', settings: DeploymentSettings = TEST_SETTINGS): LabStack {
  return new LabStack(Testing.app(), id, { settings, description: 'test stack' });
}

type Block = Record<string, Record<string, Record<string, unknown>>>;

/** The synthesized stack as an object (policy checks and construct validations run, as in a real synth). */
export function synthObject(stack: LabStack): { resource: Block; data: Block; [key: string]: unknown } {
  const parsed = JSON.parse(Testing.synth(stack, true)) as { resource?: Block; data?: Block };
  return { ...parsed, resource: parsed.resource ?? {}, data: parsed.data ?? {} };
}

/** All resources (or data sources) of one type, as attribute maps. */
export function resourcesOf(stack: LabStack, type: string, block: 'resource' | 'data' = 'resource'): Record<string, unknown>[] {
  return Object.values(synthObject(stack)[block][type] ?? {});
}

/** The statements of every `aws_iam_policy_document` in the stack, flattened. */
export function allStatements(stack: LabStack): Record<string, unknown>[] {
  return resourcesOf(stack, 'aws_iam_policy_document', 'data').flatMap((d) => (d.statement as Record<string, unknown>[]) ?? []);
}

/** The statement with this sid; fails the test when there is none or more than one. */
export function statementWithSid(stack: LabStack, sid: string): Record<string, unknown> {
  const found = allStatements(stack).filter((s) => s.sid === sid);
  if (found.length !== 1) throw new Error(`expected one statement with sid ${sid}, found ${found.length}`);
  return found[0];
}

/** Matches a Terraform reference `${<type>.<id>_<hash>.<attribute>}` (plus an optional suffix) without pinning the hash. */
export function ref(type: string, id: string, attribute: string, suffix = ''): unknown {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return expect.stringMatching(new RegExp(`^\\$\\{${escape(type)}\\.${escape(id)}_[0-9A-F]{8}\\.${escape(attribute)}\\}${escape(suffix)}$`));
}

/** Matches a Terraform address `<type>.<id>_<hash>`. */
export function address(type: string, id: string): unknown {
  return expect.stringMatching(new RegExp(`^${type}\\.${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_[0-9A-F]{8}$`));
}
