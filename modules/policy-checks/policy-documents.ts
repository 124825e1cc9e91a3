import { IndexedElement, StackIndex, isExpression } from './stack-index';

/** A statement as rules see it, from a policy data source or a literal JSON policy. */
export interface CheckedStatement {
  readonly effect: string;
  readonly actions: string[];
  readonly notActions: string[];
  readonly resources: string[];
  readonly principals: { type: string; identifiers: string[] }[];
  readonly conditions: { test: string; variable: string; values: string[] }[];
}

/**
 * The statements of a `policy` attribute: a reference to an
 * `aws_iam_policy_document` data source or a literal JSON document.
 * Returns undefined when the policy cannot be read at synth time.
 */
export function statementsOf(policy: unknown, index: StackIndex): CheckedStatement[] | undefined {
  const document = index.referenced(policy);
  if (document && document.type === 'aws_iam_policy_document') return statementsOfDocument(document);
  if (typeof policy === 'string' && !isExpression(policy)) return statementsOfJson(policy);
  return undefined;
}

export function statementsOfDocument(document: IndexedElement): CheckedStatement[] | undefined {
  const statements = document.attributes.statement;
  if (statements === undefined) return [];
  if (!Array.isArray(statements)) return undefined;
  return statements.map((s: Record<string, unknown>) => ({
    effect: String(s.effect ?? 'Allow'),
    actions: asStrings(s.actions),
    notActions: asStrings(s.not_actions),
    resources: asStrings(s.resources),
    principals: (Array.isArray(s.principals) ? s.principals : []).map((p: Record<string, unknown>) => ({
      type: String(p.type),
      identifiers: asStrings(p.identifiers),
    })),
    conditions: (Array.isArray(s.condition) ? s.condition : []).map((c: Record<string, unknown>) => ({
      test: String(c.test),
      variable: String(c.variable),
      values: asStrings(c.values),
    })),
  }));
}

function statementsOfJson(json: string): CheckedStatement[] | undefined {
  let parsed: { Statement?: unknown };
  try {
    parsed = JSON.parse(json) as { Statement?: unknown };
  } catch {
    return undefined;
  }
  const list = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  return list.map((s: Record<string, unknown>) => ({
    effect: String(s.Effect ?? 'Allow'),
    actions: asStrings(s.Action),
    notActions: asStrings(s.NotAction),
    resources: asStrings(s.Resource),
    principals: principalsOfJson(s.Principal),
    conditions: Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(([test, byKey]) =>
      Object.entries(byKey).map(([variable, values]) => ({ test, variable, values: asStrings(values) })),
    ),
  }));
}

function principalsOfJson(principal: unknown): { type: string; identifiers: string[] }[] {
  if (principal === undefined) return [];
  if (principal === '*') return [{ type: '*', identifiers: ['*'] }];
  return Object.entries(principal as Record<string, unknown>).map(([type, ids]) => ({ type, identifiers: asStrings(ids) }));
}

function asStrings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
