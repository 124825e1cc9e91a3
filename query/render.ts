import { PLACEHOLDER, QueryDefinition } from './catalog';
import { renderParam } from './params';

/** `days` days ending on `to` (YYYY-MM-DD), both ends included. */
export function rangeEndingOn(to: string, days: number): { from: string; to: string } {
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 24 * 3600 * 1000).toISOString().slice(0, 10);
  return { from, to };
}

/** The default date range: the last 30 days up to today (UTC). */
export function defaultRange(now = new Date()): { from: string; to: string } {
  return rangeEndingOn(now.toISOString().slice(0, 10), 30);
}

/**
 * The SQL of a query with every placeholder replaced by its validated, quoted
 * value. `from`/`to` come from the date range; the rest from --param. Missing
 * or unknown parameters are errors that list what the query takes.
 */
export function renderQuery(query: Pick<QueryDefinition, 'name' | 'params' | 'sql'>, values: Record<string, string>, range: { from: string; to: string }): string {
  const all = new Map<string, string>([...Object.entries(values), ['from', range.from], ['to', range.to]]);
  const takes = query.params.filter((p) => p.name !== 'from' && p.name !== 'to');
  const describe = () => (takes.length ? takes.map((p) => `${p.name} (${p.type}: ${p.description})`).join(', ') : 'no parameters');
  for (const name of Object.keys(values)) {
    if (!query.params.some((p) => p.name === name) || name === 'from' || name === 'to') {
      throw new Error(`query ${query.name} has no parameter "${name}"; it takes ${describe()}${name === 'from' || name === 'to' ? ' (set dates with --from/--to)' : ''}`);
    }
  }
  const rendered = new Map<string, string>();
  for (const param of query.params) {
    const value = all.get(param.name);
    if (value === undefined) throw new Error(`query ${query.name} needs --param ${param.name}=<${param.type}>; it takes ${describe()}`);
    rendered.set(param.name, renderParam(param.name, param.type, value));
  }
  return query.sql.replace(PLACEHOLDER, (_, name: string) => rendered.get(name) as string);
}

/**
 * The query as Athena's console runs a saved query: each `{{name}}` becomes an
 * execution parameter `?`, and the parameters, in order, are listed so the
 * console's "Run" form can be filled in (dates as 'YYYY/MM/DD').
 */
export function athenaParameterized(query: Pick<QueryDefinition, 'sql'>): { sql: string; parameters: string[] } {
  const parameters: string[] = [];
  const sql = query.sql.replace(PLACEHOLDER, (_, name: string) => {
    parameters.push(name);
    return '?';
  });
  return { sql, parameters };
}
