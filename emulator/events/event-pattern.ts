/**
 * EventBridge event patterns, as documented in the EventBridge user guide
 * ("Content filtering in Amazon EventBridge event patterns", "Comparison
 * operators"): a pattern names fields of the event; every field named must
 * match (AND), and a field matches when any value listed for it matches (OR).
 * When the event's value is an array, any of its elements may match.
 *
 * Supported: exact strings, numbers, booleans and null; nested objects;
 * `prefix`, `suffix` (both also with `equals-ignore-case`), `equals-ignore-case`,
 * `wildcard`, `anything-but` (a value, a list, `prefix`, `suffix`,
 * `equals-ignore-case`, `wildcard`), `numeric`, `exists`, IPv4 `cidr`, and `$or`.
 */
export type EventPattern = { readonly [field: string]: unknown };

/** A pattern EventBridge would refuse (PutRule answers InvalidEventPatternException). */
export class EventPatternError extends Error {
  constructor(readonly reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.name = 'EventPatternError';
  }
}

const NUMERIC_OPERATORS = ['<', '<=', '=', '>', '>='];
const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr'];

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function checkString(where: string, operator: string, value: unknown): void {
  if (typeof value !== 'string') throw new EventPatternError(`"${where}": ${operator} needs a string, got ${shown(value)}`);
}

function checkWildcard(where: string, value: unknown): void {
  checkString(where, 'wildcard', value);
  const text = value as string;
  let star = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') {
      if (text[i + 1] !== '*' && text[i + 1] !== '\\') throw new EventPatternError(`"${where}": wildcard "${text}" escapes a character other than * or \\`);
      i++;
      star = false;
    } else if (text[i] === '*') {
      if (star) throw new EventPatternError(`"${where}": wildcard "${text}" has consecutive wildcard characters`);
      star = true;
    } else {
      star = false;
    }
  }
}

/** `prefix` / `suffix`: a string, or `{ "equals-ignore-case": string }`. */
function checkAffix(where: string, operator: string, value: unknown): void {
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') throw new EventPatternError(`"${where}": ${operator} takes a string or {"equals-ignore-case": string}, got keys ${keys.join(', ')}`);
    return checkString(where, `${operator} equals-ignore-case`, value['equals-ignore-case']);
  }
  checkString(where, operator, value);
}

function checkAnythingBut(where: string, value: unknown): void {
  if (typeof value === 'string' || typeof value === 'number') return;
  if (Array.isArray(value)) {
    if (value.length === 0) throw new EventPatternError(`"${where}": anything-but needs a non-empty list`);
    const strings = value.every((v) => typeof v === 'string');
    const numbers = value.every((v) => typeof v === 'number');
    if (!strings && !numbers) throw new EventPatternError(`"${where}": an anything-but list must hold only strings or only numbers`);
    return;
  }
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1) throw new EventPatternError(`"${where}": anything-but takes one of prefix, suffix, equals-ignore-case, wildcard; got ${keys.length ? keys.join(', ') : 'an empty object'}`);
    const [key] = keys;
    const inner = value[key];
    if (key === 'prefix' || key === 'suffix') return checkString(where, `anything-but ${key}`, inner);
    if (key === 'equals-ignore-case' || key === 'wildcard') {
      const list = Array.isArray(inner) ? inner : [inner];
      if (list.length === 0) throw new EventPatternError(`"${where}": anything-but ${key} needs a non-empty list`);
      return list.forEach((v) => (key === 'wildcard' ? checkWildcard(where, v) : checkString(where, `anything-but ${key}`, v)));
    }
    throw new EventPatternError(`"${where}": anything-but does not take "${key}"; it takes prefix, suffix, equals-ignore-case or wildcard`);
  }
  throw new EventPatternError(`"${where}": anything-but needs a string, a number, a list or an object, got ${shown(value)}`);
}

function checkNumeric(where: string, value: unknown): void {
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 4)) {
    throw new EventPatternError(`"${where}": numeric needs [operator, number] or [lower operator, number, upper operator, number], got ${JSON.stringify(value)}`);
  }
  for (let i = 0; i < value.length; i += 2) {
    if (!NUMERIC_OPERATORS.includes(value[i] as string)) throw new EventPatternError(`"${where}": numeric operator ${JSON.stringify(value[i])} is not one of ${NUMERIC_OPERATORS.join(' ')}`);
    if (typeof value[i + 1] !== 'number') throw new EventPatternError(`"${where}": numeric operator ${value[i]} needs a number, got ${shown(value[i + 1])}`);
  }
  if (value.length === 4) {
    const [lower, , upper] = value as string[];
    if (!['>', '>='].includes(lower) || !['<', '<='].includes(upper)) {
      throw new EventPatternError(`"${where}": a numeric range is a lower bound (> or >=) then an upper bound (< or <=), got ${lower} then ${upper}`);
    }
  }
}

function checkCidr(where: string, value: unknown): void {
  checkString(where, 'cidr', value);
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value as string);
  if (!match || match.slice(1, 5).some((o) => Number(o) > 255) || Number(match[5]) > 32) {
    throw new EventPatternError(`"${where}": cidr "${value}" is not an IPv4 CIDR block such as 10.0.0.0/24 (the local event bus does not support IPv6 blocks)`);
  }
}

function checkMatcher(where: string, matcher: unknown): void {
  if (matcher === null || ['string', 'number', 'boolean'].includes(typeof matcher)) return;
  if (!isObject(matcher)) throw new EventPatternError(`"${where}": a value to match must be a string, number, boolean, null or an operator object, got ${shown(matcher)}`);
  const keys = Object.keys(matcher);
  if (keys.length !== 1) throw new EventPatternError(`"${where}": an operator object must have exactly one operator, got ${keys.length ? keys.join(', ') : 'none'}`);
  const [operator] = keys;
  const value = matcher[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return checkAffix(where, operator, value);
    case 'equals-ignore-case':
      return checkString(where, operator, value);
    case 'wildcard':
      return checkWildcard(where, value);
    case 'anything-but':
      return checkAnythingBut(where, value);
    case 'numeric':
      return checkNumeric(where, value);
    case 'exists':
      if (typeof value !== 'boolean') throw new EventPatternError(`"${where}": exists needs true or false, got ${shown(value)}`);
      return;
    case 'cidr':
      return checkCidr(where, value);
    default:
      throw new EventPatternError(`"${where}": unknown operator "${operator}"; known operators: ${OPERATORS.join(', ')}`);
  }
}

function checkObject(pattern: Record<string, unknown>, path: string): void {
  for (const [key, value] of Object.entries(pattern)) {
    const where = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) throw new EventPatternError(`"${where}" needs an array of at least two pattern objects`);
      value.forEach((sub) => checkObject(sub as Record<string, unknown>, path));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new EventPatternError(`"${where}": empty arrays are not allowed`);
      value.forEach((matcher) => checkMatcher(where, matcher));
    } else if (isObject(value)) {
      checkObject(value, where);
    } else {
      throw new EventPatternError(`"${where}" must be an object or an array, got ${shown(value)}`);
    }
  }
}

/** The pattern, checked; JSON text or an already parsed object. Throws EventPatternError naming the first fault. */
export function parseEventPattern(pattern: string | object): EventPattern {
  let parsed: unknown = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      throw new EventPatternError(`not JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(parsed)) throw new EventPatternError(`the pattern must be a JSON object, got ${shown(parsed)}`);
  checkObject(parsed, '');
  return parsed;
}

// ---- matching ----

/** The leaf values of a field: arrays flattened, objects (intermediate nodes) left out. */
function leavesOf(value: unknown): Json[] {
  if (Array.isArray(value)) return value.flatMap(leavesOf);
  return isObject(value) || value === undefined ? [] : [value as Json];
}

/** `*` matches any run of characters; `\\*` is a literal asterisk and `\\\\` a literal backslash. */
function wildcardRegExp(pattern: string): RegExp {
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') body += escapeRegExp(pattern[++i] ?? '');
    else body += c === '*' ? '.*' : escapeRegExp(c);
  }
  return new RegExp(`^${body}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function affix(value: unknown, operand: unknown, test: (v: string, o: string) => boolean): boolean {
  if (typeof value !== 'string') return false;
  if (isObject(operand)) return test(value.toLowerCase(), String(operand['equals-ignore-case']).toLowerCase());
  return test(value, operand as string);
}

function ipv4(address: string): number | undefined {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!parts || parts.slice(1).some((p) => Number(p) > 255)) return undefined;
  return parts.slice(1).reduce((n, p) => n * 256 + Number(p), 0);
}

function inCidr(value: unknown, cidr: string): boolean {
  if (typeof value !== 'string') return false;
  const [base, bits] = cidr.split('/');
  const address = ipv4(value);
  if (address === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(address / size) === Math.floor((ipv4(base) as number) / size);
}

function numericMatch(value: unknown, conditions: unknown[]): boolean {
  if (typeof value !== 'number') return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const bound = conditions[i + 1] as number;
    const ok = { '<': value < bound, '<=': value <= bound, '=': value === bound, '>': value > bound, '>=': value >= bound }[conditions[i] as string];
    if (!ok) return false;
  }
  return true;
}

/** Whether anything-but's operand excludes the value. */
function excluded(value: Json, operand: unknown): boolean {
  if (!isObject(operand)) return (Array.isArray(operand) ? operand : [operand]).some((o) => o === value);
  if (typeof value !== 'string') return false;
  const [[key, inner]] = Object.entries(operand);
  const list = (Array.isArray(inner) ? inner : [inner]) as string[];
  switch (key) {
    case 'prefix':
      return value.startsWith(inner as string);
    case 'suffix':
      return value.endsWith(inner as string);
    case 'equals-ignore-case':
      return list.some((o) => o.toLowerCase() === value.toLowerCase());
    default:
      return list.some((o) => wildcardRegExp(o).test(value));
  }
}

function leafMatches(matcher: unknown, value: Json): boolean {
  if (!isObject(matcher)) return matcher === value;
  const [[operator, operand]] = Object.entries(matcher);
  switch (operator) {
    case 'prefix':
      return affix(value, operand, (v, o) => v.startsWith(o));
    case 'suffix':
      return affix(value, operand, (v, o) => v.endsWith(o));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === (operand as string).toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && wildcardRegExp(operand as string).test(value);
    case 'anything-but':
      return !excluded(value, operand);
    case 'numeric':
      return numericMatch(value, operand as unknown[]);
    case 'cidr':
      return inCidr(value, operand as string);
    default:
      return false;
  }
}

function fieldMatches(matchers: unknown[], value: unknown): boolean {
  const leaves = leavesOf(value);
  return matchers.some((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) return matcher.exists === leaves.length > 0;
    return leaves.some((leaf) => leafMatches(matcher, leaf));
  });
}

function objectMatches(pattern: Record<string, unknown>, event: unknown): boolean {
  const fields = isObject(event) ? event : {};
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as Record<string, unknown>[]).some((sub) => objectMatches(sub, event));
    const actual = fields[key];
    if (Array.isArray(expected)) return fieldMatches(expected, actual);
    const sub = expected as Record<string, unknown>;
    if (Array.isArray(actual) && actual.some(isObject)) return actual.some((element) => objectMatches(sub, element));
    return objectMatches(sub, actual);
  });
}

/** Whether the event matches the pattern (checked with parseEventPattern first). */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return objectMatches(pattern as Record<string, unknown>, event);
}
