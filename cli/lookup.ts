import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { Command, Option } from 'commander';
import { FORMATS, Format, formatResult } from '../query/format';
import { LocalEngine, defaultCacheFile } from '../query/local-engine';
import { sqlString } from '../query/params';
import type { Io } from './main';
import { rejectOtherEngineOptions } from './engine-options';
import { endpointUrl, wholeNumber } from './options';

interface LookupOptions {
  eventName: string;
  engine: 'cloudtrail' | 'local';
  logs?: string;
  max: number;
  format: Format;
  cache: boolean;
  endpoint?: string;
}

const EVENT_NAME = /^[A-Za-z0-9]{2,128}$/;

/** Up to `max` events of one name from the LookupEvents API, newest first, as rows. */
export async function lookupViaCloudTrail(client: Pick<CloudTrailClient, 'send'>, eventName: string, max: number): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }], NextToken: token, MaxResults: Math.min(50, max - rows.length) }),
    );
    for (const event of page.Events ?? []) {
      rows.push({ username: event.Username ?? null, eventtime: event.EventTime?.toISOString() ?? null, resources: (event.Resources ?? []).map((r) => r.ResourceName), eventid: event.EventId ?? null });
    }
    token = page.NextToken;
  } while (token && rows.length < max);
  return rows.slice(0, max);
}

/**
 * The seed's `aws cloudtrail lookup-events` exercise: events of one name with
 * who, when and on what. `cloudtrail` asks the LookupEvents API (the last 90
 * days of management events); `local` answers the same from log files.
 */
export function lookupCommand(io: Io): Command {
  return new Command('lookup')
    .description('events of one name (e.g. ConsoleLogin, CreateBucket): user, time and resources, newest first')
    .requiredOption('--event-name <name>', 'event name, e.g. CreateBucket')
    .addOption(new Option('--engine <engine>', 'where to look').choices(['cloudtrail', 'local']).default('cloudtrail'))
    .option('--logs <dir>', 'local engine: folder of CloudTrail logs')
    .option('--max <n>', 'at most this many events', wholeNumber('--max', 1, 10000), 50)
    .addOption(new Option('--format <format>', 'output format').choices([...FORMATS]).default('table'))
    .option('--no-cache', 'local engine: read the files every time')
    .option('--endpoint <url>', 'cloudtrail engine: send requests to this endpoint', endpointUrl)
    .action(async (options: LookupOptions, command: Command) => {
      rejectOtherEngineOptions(command, options.engine, { local: ['logs', 'cache'], cloudtrail: ['endpoint'] });
      if (!EVENT_NAME.test(options.eventName)) throw new Error(`--event-name "${options.eventName}" is not an event name (letters and digits, e.g. CreateBucket)`);
      const columns = ['username', 'eventtime', 'resources', 'eventid'];
      let rows: Record<string, unknown>[];
      if (options.engine === 'local') {
        if (!options.logs) throw new Error('--engine local needs --logs <dir>');
        const engine = await LocalEngine.open({ logs: options.logs, cacheFile: options.cache ? defaultCacheFile(options.logs, io.env) : undefined, onNote: (n) => io.err(n) });
        try {
          rows = (
            await engine.query(`SELECT coalesce(useridentity.username, useridentity.sessioncontext.sessionissuer.username, useridentity.arn) AS username,
                eventtime, list_transform(coalesce(resources, []), r -> r.arn) AS resources, eventid
              FROM cloudtrail_logs WHERE eventname = ${sqlString(options.eventName)}
              ORDER BY eventtime DESC LIMIT ${options.max}`)
          ).rows;
        } finally {
          engine.close();
        }
      } else {
        rows = await lookupViaCloudTrail(new CloudTrailClient(options.endpoint ? { endpoint: options.endpoint } : {}), options.eventName, options.max);
      }
      io.out(formatResult({ columns, rows }, options.format));
      io.err(`${rows.length} ${options.eventName} event(s) (${options.engine})`);
    });
}
