import { IConstruct } from 'constructs';
import { ALL_RULES } from './rules';

const ACKNOWLEDGEMENTS = Symbol.for('cloudtrail-labs.policy-acknowledgements');

export interface Acknowledgement {
  readonly ruleId: string;
  readonly reason: string;
}

type Acknowledging = IConstruct & { [ACKNOWLEDGEMENTS]?: Acknowledgement[] };

/**
 * Accepts a policy finding on a construct and everything below it. A reason is
 * required and is printed in the synth output next to the finding.
 *
 * @example acknowledgeFinding(api.securityGroup, 'CTL.EC2.1', 'classroom lab: students browse from anywhere')
 */
export function acknowledgeFinding(construct: IConstruct, ruleId: string, reason: string): void {
  if (!/^[A-Z]+(\.[A-Z0-9]+)+$/.test(ruleId)) {
    throw new Error(`acknowledgeFinding: "${ruleId}" is not a rule id; ids look like CIS.3.4 or CTL.EC2.1`);
  }
  const known = [...new Set(ALL_RULES.map((r) => r.id))];
  if (!known.includes(ruleId)) {
    throw new Error(`acknowledgeFinding: no rule has the id "${ruleId}"; the rules are ${known.join(', ')}`);
  }
  if (reason.trim().length < 10) {
    throw new Error(`acknowledgeFinding(${ruleId}) on ${construct.node.path} needs a reason of at least 10 characters saying why the finding is accepted`);
  }
  const target = construct as Acknowledging;
  (target[ACKNOWLEDGEMENTS] ??= []).push({ ruleId, reason: reason.trim() });
}

/** The acknowledgement that covers a rule on a construct: its own or an ancestor's. */
export function acknowledgementFor(construct: IConstruct, ruleId: string): Acknowledgement | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const found = (scope as Acknowledging)[ACKNOWLEDGEMENTS]?.find((a) => a.ruleId === ruleId);
    if (found) return found;
  }
  return undefined;
}
