import { IndexedElement, StackIndex } from './stack-index';

export type Severity = 'error' | 'warning';

/** What one rule says about one resource. */
export type RuleVerdict =
  | { readonly status: 'compliant' }
  | { readonly status: 'not-applicable' }
  | { readonly status: 'non-compliant'; readonly reason: string };

/**
 * One policy check (after cdk-nag): an id, a one-line summary, the benchmark
 * it comes from, a severity, and a check of one resource in its stack.
 */
export interface PolicyRule {
  /** Stable id used in messages and acknowledgements, e.g. `CIS.3.2`. */
  readonly id: string;
  readonly summary: string;
  /** CIS or AWS reference. */
  readonly reference: string;
  readonly severity: Severity;
  /** The Terraform resource type the rule looks at (data sources: `data.<type>`). */
  readonly resourceType: string;
  /** Judge one element. An unresolvable value is a finding, not a pass. */
  check(element: IndexedElement, index: StackIndex): RuleVerdict;
}

export const COMPLIANT: RuleVerdict = { status: 'compliant' };
export const NOT_APPLICABLE: RuleVerdict = { status: 'not-applicable' };
export function nonCompliant(reason: string): RuleVerdict {
  return { status: 'non-compliant', reason };
}
