import { PolicyStatement } from './policy-statement';

/**
 * Something IAM permissions can be granted to: a role, a group. Modules such as
 * `KmsKey` and `Trail` keep their action lists in `grantXxx(grantee)` methods
 * and add the statement to the grantee's own policy.
 */
export interface Grantable {
  /** A name for messages and statement ids. */
  readonly grantName: string;
  addToPrincipalPolicy(statement: PolicyStatement): void;
}
