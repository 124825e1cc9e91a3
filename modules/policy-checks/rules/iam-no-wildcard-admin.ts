import { COMPLIANT, NOT_APPLICABLE, PolicyRule, nonCompliant } from '../policy-rule';
import { IndexedElement, StackIndex } from '../stack-index';
import { CheckedStatement, statementsOf, statementsOfDocument } from '../policy-documents';

const INLINE_POLICY_TYPES = new Set(['aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_group_policy', 'aws_iam_user_policy']);

/** Allow of `*` (or of everything but a few actions, via NotAction) on resource `*`. */
function grantsEverything(statements: CheckedStatement[]): boolean {
  return statements.some(
    (s) => s.effect === 'Allow' && s.resources.includes('*') && (s.actions.some((a) => a === '*' || a === '*:*') || s.notActions.length > 0),
  );
}

function check(element: IndexedElement, index: StackIndex) {
  const statements = element.isDataSource
    ? statementsOfDocument(element)
    : INLINE_POLICY_TYPES.has(element.type)
      ? statementsOf(element.attributes.policy, index)
      : null;
  if (statements === null) return NOT_APPLICABLE;
  if (statements === undefined) return nonCompliant('the policy cannot be read at synth time');
  return grantsEverything(statements) ? nonCompliant('a statement allows action "*" (or NotAction) on resource "*"') : COMPLIANT;
}

/** Checks policy documents built by Terraform; the inline-policy variant below checks literal JSON. */
export const IamNoWildcardAdmin: PolicyRule = {
  id: 'CTL.IAM.1',
  summary: 'No IAM statement allows action "*" on resource "*"',
  reference: 'CIS AWS Foundations Benchmark v3.0.0, 1.16; AWS IAM best practices (least privilege)',
  severity: 'error',
  resourceType: 'data.aws_iam_policy_document',
  check,
};

export const IamNoWildcardAdminInline: PolicyRule[] = [...INLINE_POLICY_TYPES].map((type) => ({
  ...IamNoWildcardAdmin,
  resourceType: type,
}));
