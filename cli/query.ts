import * as fs from 'node:fs';
import { AthenaClient } from '@aws-sdk/client-athena';
import { Command, Option } from 'commander';
import { pullLocalLogs, queryLocal } from '../offline/session-steps';
import { runAthenaQuery } from '../query/athena-engine';
import { PLACEHOLDER, findQuery, loadQueries, scenariosWithQueries } from '../query/catalog';
import { FORMATS, Format, formatResult } from '../query/format';
import { LocalEngine, defaultCacheFile } from '../query/local-engine';
import { parseParamOptions, validateParam } from '../query/params';
import { defaultRange, rangeEndingOn, renderQuery } from '../query/render';
import { QueryResult } from '../query/result';
import type { Io } from './main';
import { rejectOtherEngineOptions } from './engine-options';
import { endpointUrl, positiveNumber } from './options';
import { readStackOutput } from './stack-outputs';

interface QueryOptions {
  engine: 'athena' | 'local';
  sql?: string;
  file?: string;
  logs?: string;
  from?: string;
  to?: string;
  param: string[];
  format: Format;
  strict?: boolean;
  cache: boolean;
  workgroup?: string;
  database?: string;
  timeout: number;
  endpoint?: string;
  local?: boolean;
}

/** The SQL to run: a shipped query, or --sql/--file text whose {{from}}/{{to}} are filled and other placeholders taken as text. */
function resolveSql(scenario: string, name: string | undefined, options: QueryOptions, range: { from: string; to: string }): string | undefined {
  const params = parseParamOptions(options.param);
  if (options.sql !== undefined || options.file !== undefined) {
    if (name) throw new Error(`give either a query name (${name}) or --sql/--file, not both`);
    if (options.sql !== undefined && options.file !== undefined) throw new Error('give either --sql or --file, not both');
    if (options.file !== undefined && !fs.existsSync(options.file)) throw new Error(`--file ${options.file} does not exist`);
    const sql = options.sql ?? fs.readFileSync(options.file as string, 'utf8');
    const names = [...new Set([...sql.matchAll(PLACEHOLDER)].map((m) => m[1]))];
    return renderQuery({ name: 'ad-hoc', sql, params: names.map((n) => ({ name: n, type: n === 'from' || n === 'to' ? 'date' : 'text', description: 'ad-hoc' })) }, params, range);
  }
  if (!name) return undefined;
  return renderQuery(findQuery(scenario, name), params, range);
}

export function queryCommand(io: Io): Command {
  return new Command('query')
    .description("answer a scenario's question in SQL over CloudTrail logs: in Athena, or locally with embedded DuckDB")
    .argument('<scenario>', `scenario whose queries to use (${scenariosWithQueries().join(', ')})`)
    .argument('[query]', 'query name; omit it to list them')
    .addOption(new Option('--engine <engine>', 'where to run the SQL').choices(['athena', 'local']).default('local'))
    .option('--sql <text>', 'ad-hoc SQL over the cloudtrail_logs table')
    .option('--file <path>', 'ad-hoc SQL from a file')
    .option('--logs <dir>', 'local engine: folder of CloudTrail logs (AWSLogs/... layout or plain .json files)')
    .option('--from <date>', 'first day to read, YYYY-MM-DD (default: 29 days before --to)')
    .option('--to <date>', 'last day to read, YYYY-MM-DD (default: today, UTC)')
    .option('--param <name=value>', 'query parameter, repeatable', (v: string, all: string[]) => [...all, v], [] as string[])
    .addOption(new Option('--format <format>', 'output format').choices([...FORMATS]).default('table'))
    .option('--strict', 'local engine: fail on a corrupt log file instead of skipping it')
    .option('--no-cache', 'local engine: read the files every time instead of an ingested copy')
    .option('--workgroup <name>', "athena: workgroup (default: the stack's athena_workgroup output)")
    .option('--database <name>', "athena: Glue database (default: the stack's athena_database output)")
    .option('--timeout <seconds>', 'athena: stop the query after this long', positiveNumber('--timeout'), 300)
    .option('--endpoint <url>', 'athena: send requests to this endpoint (a local emulator)', endpointUrl)
    .option('--local', "the scenario's local session (see `deploy --local`): deliver its CloudTrail records and query them; without a query name, answer the lab's questions")
    .action(async (scenario: string, name: string | undefined, options: QueryOptions, command: Command) => {
      rejectOtherEngineOptions(command, options.engine, { local: ['logs', 'strict', 'cache'], athena: ['workgroup', 'database', 'timeout', 'endpoint'] });
      if (options.local) {
        if (options.engine !== 'local') throw new Error('--local queries the local session with the local engine; drop --engine athena');
        if (options.logs) throw new Error('--local reads the logs the local session delivers; drop --logs');
        const log = (line: string) => io.err(line);
        if (!name && options.sql === undefined && options.file === undefined) {
          const { verdict } = await queryLocal({ scenario, env: io.env, log });
          io.out(`answer: ${verdict.message}`);
          if (!verdict.ok) throw new Error(`the logs do not give the answer the deployed configuration implies (expected ${verdict.expected ?? 'another answer'})`);
          return;
        }
        const pulled = await pullLocalLogs({ scenario, env: io.env, log });
        options.logs = pulled.logs;
        options.from ??= pulled.range.from;
        options.to ??= pulled.range.to;
      }
      if (!scenariosWithQueries().includes(scenario)) {
        throw new Error(`unknown scenario "${scenario}"; scenarios with queries: ${scenariosWithQueries().join(', ')}`);
      }
      const fallback = defaultRange();
      const to = options.to ?? fallback.to;
      if (options.to) validateParam('--to', 'date', options.to);
      if (options.from) validateParam('--from', 'date', options.from);
      const from = options.from ?? rangeEndingOn(to, 30).from;
      if (from > to) throw new Error(`--from ${from} is after --to ${to}`);
      const sql = resolveSql(scenario, name, options, { from, to });
      if (sql === undefined) {
        for (const q of loadQueries(scenario)) io.out(`${q.name}: ${q.description}`);
        io.err(`run one with: cloudtrail-lab query ${scenario} <query> [--logs DIR | --engine athena]`);
        return;
      }

      let result: QueryResult;
      if (options.engine === 'local') {
        if (!options.logs) throw new Error('the local engine needs --logs <dir>: a folder of CloudTrail logs (cloudtrail-lab logs pull downloads them from a trail)');
        const engine = await LocalEngine.open({
          logs: options.logs,
          from,
          to,
          strict: options.strict,
          cacheFile: options.cache ? defaultCacheFile(options.logs, io.env) : undefined,
          onNote: (n) => io.err(n),
        });
        try {
          result = await engine.query(sql);
        } finally {
          engine.close();
        }
      } else {
        const workgroup = options.workgroup ?? (await readStackOutput(scenario, 'athena_workgroup', io.env, '--workgroup'));
        const database = options.database ?? (await readStackOutput(scenario, 'athena_database', io.env, '--database'));
        const controller = new AbortController();
        const onSigint = () => controller.abort();
        process.on('SIGINT', onSigint);
        try {
          result = await runAthenaQuery(new AthenaClient(options.endpoint ? { endpoint: options.endpoint } : {}), sql, {
            workgroup,
            database,
            timeoutMs: options.timeout * 1000,
            signal: controller.signal,
            onProgress: (state, ms) => io.err(`athena: ${state} after ${(ms / 1000).toFixed(1)} s`),
          });
        } finally {
          process.off('SIGINT', onSigint);
        }
        for (const note of result.notes) io.err(note);
      }
      io.out(formatResult(result, options.format));
      io.err(`${result.rows.length} row(s) in ${(result.elapsedMs / 1000).toFixed(2)} s (${options.engine}, ${from} to ${to})`);
    });
}
