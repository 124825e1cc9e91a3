import { Command } from 'commander';
import { simulateLocal } from '../offline/session-steps';
import { findScenario } from '../scenarios/registry';
import { cleanupFailures, runCatApi } from '../simulator/cat-api-client';
import { createProgress } from '../simulator/progress';
import {
  DEFAULT_SIZE_BYTES,
  MAX_SIZE_BYTES,
  SEED_DURATION_SECONDS,
  SEED_INTERVAL_SECONDS,
  newRunId,
  runUploads,
  uploaderClient,
  userAgentFor,
} from '../simulator/uploader';
import type { Io } from './main';
import { byteSize, endpointUrl, nonNegativeNumber, positiveNumber, wholeNumber } from './options';
import { readStackOutput } from './stack-outputs';

const SIMULATED = ['kms-mystery', 'suspicious-api'];

interface SimulateOptions {
  interval: number;
  duration: number;
  count?: number;
  size: number;
  concurrency: number;
  bucket?: string;
  endpoint?: string;
  runId?: string;
  local?: boolean;
  url?: string;
  revert?: boolean;
}

/** `simulate suspicious-api`: `/` and `/cat` on the deployed API (its api_url output, or --url), then with --revert `/enough`. */
async function simulateCatApi(io: Io, options: SimulateOptions, command: Command): Promise<void> {
  const uploaderOnly = ['interval', 'duration', 'count', 'size', 'concurrency', 'bucket', 'endpoint'].filter((o) => command.getOptionValueSource(o) === 'cli');
  if (uploaderOnly.length > 0) throw new Error(`suspicious-api calls its API instead of uploading: drop ${uploaderOnly.map((o) => `--${o}`).join(', ')}`);
  const url = options.url ?? (await readStackOutput('suspicious-api', 'api_url', io.env, '--url'));
  const runId = options.runId ?? newRunId();
  io.err(`run id ${runId}: user agent "${userAgentFor(runId)}"; calling ${url}`);
  const run = await runCatApi(url, {
    revert: options.revert,
    runId,
    onCall: (c) => io.err(`GET ${c.path}: ${c.status} in ${c.ms} ms`),
  });
  for (const call of run.calls) {
    io.out(`${call.path} ${call.status}: ${call.summary}`);
    for (const failed of cleanupFailures(call.report)) io.err(`  /enough could not remove: ${failed}`);
  }
  if (!run.ok) throw new Error(`the cat API answered ${run.calls.filter((c) => c.status >= 300).map((c) => `${c.path} ${c.status}`).join(', ')}`);
  if (!options.revert) io.err('the API created a random-val-* bucket and a crypto-miner instance: run again with --revert (it calls /enough), or `cloudtrail-lab cleanup suspicious-api`');
}

/** `simulate <scenario> --local`: the scenario's offline traffic against its running local session, compressed in time by default. */
async function simulateLocalSession(io: Io, scenario: string, options: SimulateOptions, command: Command): Promise<void> {
  const given = (name: string) => command.getOptionValueSource(name) !== 'default' && command.getOptionValueSource(name) !== undefined;
  const reasons: Record<string, string> = {
    bucket: '--bucket (the bucket comes from the local stack)',
    endpoint: '--endpoint (the session is the endpoint)',
    url: '--url (the API runs in the session)',
    runId: '--run-id (each local run makes its own)',
    duration: '--duration (local runs are counted: use --count)',
  };
  const conflicting = Object.keys(reasons).filter(given);
  if (conflicting.length > 0) throw new Error(`--local decides these itself; drop ${conflicting.map((o) => reasons[o]).join(', ')}`);
  const facts = await simulateLocal({
    scenario,
    env: io.env,
    log: (line) => io.err(line),
    simulation: { count: options.count ?? 30, intervalMs: given('interval') ? options.interval * 1000 : 100, sizeBytes: options.size, revert: Boolean(options.revert) },
  });
  io.out(`simulated ${scenario} locally: ${Object.entries(facts).map(([k, v]) => `${k} ${Array.isArray(v) ? v.length : v}`).join(', ')}`);
}

export function simulateCommand(io: Io): Command {
  return new Command('simulate')
    .description('generate the scenario\'s traffic: for kms-mystery, upload dummy files to the ingest bucket (every 10 s for 5 minutes by default, as the seed does); for suspicious-api, call / and /cat (and /enough with --revert)')
    .argument('<scenario>', `scenario to drive (${SIMULATED.join(', ')})`)
    .option('--interval <seconds>', 'seconds between uploads', nonNegativeNumber('--interval'), SEED_INTERVAL_SECONDS)
    .option('--duration <seconds>', 'how long to upload for (ignored with --count)', positiveNumber('--duration'), SEED_DURATION_SECONDS)
    .option('--count <n>', 'number of uploads (default: duration / interval)', wholeNumber('--count', 1, 1_000_000))
    .option('--size <bytes>', 'size of each object, e.g. 16k', byteSize('--size', MAX_SIZE_BYTES), DEFAULT_SIZE_BYTES)
    .option('--concurrency <n>', 'uploads in flight at most', wholeNumber('--concurrency', 1, 64), 4)
    .option('--bucket <name>', "ingest bucket (default: the deployed stack's ingest_bucket output)")
    .option('--endpoint <url>', 'send requests to this endpoint instead of AWS (the local emulator)', endpointUrl)
    .option('--run-id <id>', 'run id for the user agent (default: generated)')
    .option('--url <url>', "suspicious-api: the cat API (default: the deployed stack's api_url output)")
    .option('--revert', 'suspicious-api: also call /enough, which removes the bucket and the miner /cat created')
    .option('--local', 'against the scenario\'s local session (see `deploy --local`): 30 calls, 0.1 s apart, unless --count/--interval say otherwise')
    .action(async (scenarioName: string, options: SimulateOptions, command: Command) => {
      const scenario = findScenario(scenarioName);
      if (options.local) return simulateLocalSession(io, scenario.name, options, command);
      if (scenario.name === 'suspicious-api') return simulateCatApi(io, options, command);
      if (options.url !== undefined || options.revert) throw new Error('--url and --revert are for suspicious-api');
      if (!SIMULATED.includes(scenario.name)) {
        throw new Error(`simulate does not drive ${scenario.name} yet; scenarios with a simulator: ${SIMULATED.join(', ')}`);
      }
      if (options.runId !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(options.runId)) {
        throw new Error(`--run-id must be 1 to 64 letters, digits, ".", "_" or "-", got "${options.runId}"`);
      }
      if (options.count === undefined && options.interval === 0) {
        throw new Error('--interval 0 needs --count: with no pause, a duration does not say how many uploads to make');
      }
      const count = options.count ?? Math.max(1, Math.floor(options.duration / options.interval));
      const bucket = options.bucket ?? (await readStackOutput(scenario.name, 'ingest_bucket', io.env, '--bucket'));
      const runId = options.runId ?? newRunId();
      io.err(`run id ${runId}: user agent "${userAgentFor(runId)}"`);
      io.err(`uploading ${count} object(s) of ${options.size} bytes to s3://${bucket}, one every ${options.interval} s${options.endpoint ? ` via ${options.endpoint}` : ''}`);

      const controller = new AbortController();
      let interrupts = 0;
      const onSigint = () => {
        interrupts++;
        if (interrupts > 1) process.exit(130);
        io.err('\ninterrupted: finishing uploads in flight (Ctrl-C again to quit at once)');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const summary = await runUploads(
          { bucket, count, intervalMs: options.interval * 1000, sizeBytes: options.size, concurrency: options.concurrency, runId },
          uploaderClient(runId, options.endpoint),
          { signal: controller.signal, progress: createProgress(process.stderr, 'uploads') },
        );
        for (const error of summary.errors) io.err(`failed: ${error}`);
        io.out(
          `run ${summary.runId}: ${summary.sent} sent, ${summary.failed} failed, ${summary.retries} retries, ` +
            `${(summary.elapsedMs / 1000).toFixed(1)} s${summary.interrupted ? `, interrupted after ${summary.sent + summary.failed} of ${summary.planned}` : ''}`,
        );
        if (summary.failed > 0) throw new Error(`${summary.failed} upload(s) failed after retries`);
        if (summary.interrupted) process.exitCode = 130;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
