/**
 * Query parameters: each value is validated by its type and then written into
 * the SQL as a quoted string literal with quotes doubled, never pasted raw.
 */
export const PARAM_TYPES = {
  /** A day: given as YYYY-MM-DD, written as 'YYYY/MM/DD' to match the timestamp partition. */
  date: { pattern: /^\d{4}-\d{2}-\d{2}$/, example: '2026-11-24' },
  'instance-id': { pattern: /^i-[0-9a-f]{8,17}$/, example: 'i-0fe770cb48ec0c411' },
  'object-key': { pattern: /^[^\u0000-\u001f\u007f]{1,1024}$/u, example: 'uploads/Sharingan.png' },
  bucket: { pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, example: 'my-bucket' },
  arn: { pattern: /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:[^\s'"]{1,1000}$/, example: 'arn:aws:kms:us-east-1:123456789012:key/abcd' },
  text: { pattern: /^[^\u0000-\u001f\u007f]{1,256}$/u, example: 'any text' },
} as const;

export type ParamType = keyof typeof PARAM_TYPES;

/** A SQL string literal: single quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function validateParam(name: string, type: ParamType, value: string): void {
  const spec = PARAM_TYPES[type];
  if (!spec.pattern.test(value)) {
    throw new Error(`parameter ${name}: "${value}" is not a valid ${type} (example: ${spec.example})`);
  }
  if (type === 'date') {
    const parsed = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
      throw new Error(`parameter ${name}: "${value}" is not a calendar date (YYYY-MM-DD)`);
    }
  }
}

/** The literal a validated value becomes in the SQL. */
export function renderParam(name: string, type: ParamType, value: string): string {
  validateParam(name, type, value);
  return sqlString(type === 'date' ? value.replace(/-/g, '/') : value);
}

/** Parses repeated `--param k=v` options. */
export function parseParamOptions(pairs: string[]): Record<string, string> {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--param "${pair}" is not name=value`);
    const name = pair.slice(0, at).trim();
    if (Object.hasOwn(values, name)) throw new Error(`--param ${name} is given twice`);
    values[name] = pair.slice(at + 1);
  }
  return values;
}
