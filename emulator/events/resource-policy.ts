/**
 * Whether a resource policy (an SNS topic policy, a Lambda function policy, a
 * KMS key policy) lets an AWS service principal do an action, evaluated as
 * IAM does for one policy: an explicit Deny wins, then an Allow, else the
 * implicit deny. Enough of the policy language for what services are granted
 * with: Principal (`*`, AWS `*`, Service), Action/NotAction and
 * Resource/NotResource with `*` and `?` wildcards, and the String, Arn, Bool
 * and Null condition operators (with IfExists); a condition with any other
 * operator does not match, so its statement does not apply.
 */
export interface ServiceRequest {
  /** e.g. `events.amazonaws.com`. */
  readonly principal: string;
  /** e.g. `sns:Publish`. */
  readonly action: string;
  readonly resource: string;
  /** Condition keys of the request, e.g. `aws:SourceArn`, `aws:SourceAccount`; matched without regard to case. */
  readonly context: Readonly<Record<string, string>>;
}

export interface PolicyDecision {
  readonly allowed: boolean;
  /** Which statement decided, or why none did. */
  readonly reason: string;
}

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's').test(value);
}

function principalMatches(principal: unknown, service: string): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  const p = principal as Record<string, unknown>;
  return list(p.AWS as string | string[]).includes('*') || list(p.Service as string | string[]).includes(service);
}

function conditionMatches(operator: string, key: string, expected: unknown, context: Record<string, string>): boolean {
  const base = operator.replace(/^For(Any|All)Value:/, '');
  const ifExists = base.endsWith('IfExists');
  const op = ifExists ? base.slice(0, -'IfExists'.length) : base;
  const actual = context[key.toLowerCase()];
  const values = list(expected as string | string[]).map(String);
  if (op === 'Null') return values.some((v) => (v.toLowerCase() === 'true') === (actual === undefined));
  const negated = /Not/.test(op);
  if (actual === undefined) return ifExists || negated;
  let hit: boolean;
  switch (op.replace('Not', '')) {
    case 'StringEquals':
    case 'ArnEquals':
      hit = op.startsWith('Arn') ? values.some((v) => wildcard(v, actual)) : values.includes(actual);
      break;
    case 'StringEqualsIgnoreCase':
      hit = values.some((v) => v.toLowerCase() === actual.toLowerCase());
      break;
    case 'StringLike':
    case 'ArnLike':
      hit = values.some((v) => wildcard(v, actual));
      break;
    case 'Bool':
      hit = values.some((v) => v.toLowerCase() === actual.toLowerCase());
      break;
    default:
      return false;
  }
  return hit !== negated;
}

function applies(statement: Statement, request: ServiceRequest, context: Record<string, string>): boolean {
  if (statement.Principal !== undefined && !principalMatches(statement.Principal, request.principal)) return false;
  if (statement.NotPrincipal !== undefined && principalMatches(statement.NotPrincipal, request.principal)) return false;
  if (statement.Action !== undefined && !list(statement.Action).some((a) => wildcard(a, request.action, true))) return false;
  if (statement.NotAction !== undefined && list(statement.NotAction).some((a) => wildcard(a, request.action, true))) return false;
  if (statement.Resource !== undefined && !list(statement.Resource).some((r) => wildcard(r, request.resource))) return false;
  if (statement.NotResource !== undefined && list(statement.NotResource).some((r) => wildcard(r, request.resource))) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, checks]) => Object.entries(checks).every(([key, expected]) => conditionMatches(operator, key, expected, context)));
}

/** The decision of one resource policy (JSON text; undefined when the resource has none). */
export function evaluateResourcePolicy(policy: string | undefined, request: ServiceRequest): PolicyDecision {
  const what = `${request.principal} to ${request.action} on ${request.resource}`;
  if (!policy) return { allowed: false, reason: `no resource policy: nothing allows ${what}` };
  let statements: Statement[];
  try {
    statements = list((JSON.parse(policy) as { Statement?: Statement | Statement[] }).Statement);
  } catch (error) {
    return { allowed: false, reason: `the resource policy is not JSON (${(error as Error).message}): nothing allows ${what}` };
  }
  const context = Object.fromEntries(Object.entries(request.context).map(([k, v]) => [k.toLowerCase(), v]));
  const applying = statements.filter((s) => applies(s, request, context));
  const name = (s: Statement) => (s.Sid ? `statement "${s.Sid}"` : 'a statement');
  const deny = applying.find((s) => s.Effect === 'Deny');
  if (deny) return { allowed: false, reason: `${name(deny)} denies ${what}` };
  const allow = applying.find((s) => s.Effect === 'Allow');
  if (allow) return { allowed: true, reason: `${name(allow)} allows ${what}` };
  return { allowed: false, reason: `no statement allows ${what}${Object.keys(request.context).length ? ` (request context: ${Object.entries(request.context).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}` };
}
