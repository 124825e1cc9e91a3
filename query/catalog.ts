import * as fs from 'node:fs';
import * as path from 'node:path';
import { PARAM_TYPES, ParamType } from './params';

/** Where the scenarios' queries live: `scenarios/<scenario>/queries/<name>.sql`. */
export const SCENARIOS_DIR = path.resolve(__dirname, '..', 'scenarios');

export interface QueryParam {
  readonly name: string;
  readonly type: ParamType;
  readonly description: string;
}

/** A shipped query: its SQL with `{{param}}` placeholders, and what it answers. */
export interface QueryDefinition {
  readonly scenario: string;
  readonly name: string;
  /** The leading comment: what the query answers. */
  readonly description: string;
  readonly params: QueryParam[];
  readonly sql: string;
  readonly file: string;
}

const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;

/**
 * Reads one `.sql` file. The leading `--` comment lines say what it answers;
 * `-- @param <name> <type> <description>` lines declare its parameters. Every
 * placeholder must be declared and every declaration used.
 */
export function parseQuery(scenario: string, file: string, text: string): QueryDefinition {
  const name = path.basename(file, '.sql');
  const description: string[] = [];
  const params: QueryParam[] = [];
  for (const line of text.split('\n')) {
    const comment = /^\s*--\s?(.*)$/.exec(line);
    if (!comment) {
      if (line.trim() === '') continue;
      break;
    }
    const param = /^@param\s+([a-z_][a-z0-9_]*)\s+(\S+)\s*(.*)$/.exec(comment[1].trim());
    if (param) {
      const type = param[2] as ParamType;
      if (!(type in PARAM_TYPES)) {
        throw new Error(`${file}: parameter ${param[1]} has unknown type "${param[2]}"; types: ${Object.keys(PARAM_TYPES).join(', ')}`);
      }
      params.push({ name: param[1], type, description: param[3] });
    } else if (comment[1].trim() !== '') {
      description.push(comment[1].trim());
    }
  }
  if (description.length === 0) throw new Error(`${file}: the query needs a leading comment saying what it answers`);
  const used = new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]));
  for (const placeholder of used) {
    if (!params.some((p) => p.name === placeholder)) throw new Error(`${file}: {{${placeholder}}} is not declared with -- @param`);
  }
  for (const param of params) {
    if (!used.has(param.name)) throw new Error(`${file}: parameter ${param.name} is declared but never used`);
  }
  return { scenario, name, description: description.join(' '), params, sql: text, file };
}

/** Scenarios that ship queries, by folder. */
export function scenariosWithQueries(root = SCENARIOS_DIR): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, 'queries')))
    .map((d) => d.name)
    .sort();
}

/** The queries of one scenario, by name; an unknown scenario gets the list of valid ones. */
export function loadQueries(scenario: string, root = SCENARIOS_DIR): QueryDefinition[] {
  const dir = path.join(root, scenario, 'queries');
  if (!fs.existsSync(dir)) {
    throw new Error(`scenario "${scenario}" has no queries; scenarios with queries: ${scenariosWithQueries(root).join(', ')}`);
  }
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => parseQuery(scenario, path.join(dir, f), fs.readFileSync(path.join(dir, f), 'utf8')));
}

export function findQuery(scenario: string, name: string, root = SCENARIOS_DIR): QueryDefinition {
  const queries = loadQueries(scenario, root);
  const query = queries.find((q) => q.name === name);
  if (!query) throw new Error(`scenario "${scenario}" has no query "${name}"; its queries: ${queries.map((q) => q.name).join(', ')}`);
  return query;
}

export { PLACEHOLDER };
