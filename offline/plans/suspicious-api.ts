import * as path from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DECOY_BUCKET_PREFIX, LAUNCHED_BY_TAG_KEY, MINER_NAME } from '../../modules/suspicious-api/app/contract';
import { SuspiciousApi } from '../../modules/suspicious-api/suspicious-api';
import { cleanupFailures, runCatApi } from '../../simulator/cat-api-client';
import { newRunId } from '../../simulator/uploader';
import { LocalTarget } from '../local-target';
import { OfflinePlan, PlanContext, SimulationFacts, outputString } from './plan';

/** What the API left behind: miners not terminated and decoy buckets. */
export async function leftovers(target: LocalTarget, launchedBy: string): Promise<string[]> {
  const config = { endpoint: target.edgeEndpoint, region: target.region, credentials: target.operator };
  const reservations = (
    await new EC2Client(config).send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:Name', Values: [MINER_NAME] },
          { Name: `tag:${LAUNCHED_BY_TAG_KEY}`, Values: [launchedBy] },
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] },
        ],
      }),
    )
  ).Reservations;
  const miners = (reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => `instance ${i.InstanceId} (${i.State?.Name})`);
  const buckets = ((await new S3Client({ ...config, forcePathStyle: true }).send(new ListBucketsCommand({}))).Buckets ?? [])
    .map((b) => b.Name ?? '')
    .filter((name) => name.startsWith(DECOY_BUCKET_PREFIX))
    .map((name) => `bucket ${name}`);
  return [...miners, ...buckets];
}

function alertsAbout(messages: { body: unknown }[], text: string): string[] {
  return messages.map((m) => (m.body as { text?: unknown })?.text).filter((t): t is string => typeof t === 'string' && t.includes(text));
}

/**
 * suspicious-api offline (seed 002): the webhook URL goes into its SSM
 * parameter (the local sink's), the app runs as the API's instance with that
 * instance's role, `/`, `/cat` and `/enough` are called, and the logs must
 * show the instance's session creating the bucket and launching the miner;
 * the alert path (EventBridge, the encrypted topic, the notifier) must post
 * exactly one message, for the miner running; nothing may be left behind.
 */
export const suspiciousApiPlan: OfflinePlan = {
  scenario: 'suspicious-api',

  async simulate(context: PlanContext, options) {
    const { target, outputs, stack, log } = context;
    const api = stack.node.findAll().find((c): c is SuspiciousApi => c instanceof SuspiciousApi);
    if (!api) throw new Error('the suspicious-api stack has no SuspiciousApi');
    const instanceId = outputString(outputs, 'api_instance_id');
    const launchedBy = outputString(outputs, 'miner_launched_by');
    const environment = outputs.api_environment as Record<string, string> | undefined;
    if (!environment || typeof environment !== 'object') throw new Error('the suspicious-api stack has no api_environment output');

    // Out of band, as the lab asks: the webhook URL in a SecureString parameter (here, the local sink's).
    const sink = await target.webhook();
    await new SSMClient({ endpoint: target.edgeEndpoint, region: target.region, credentials: target.operator }).send(
      new PutParameterCommand({ Name: outputString(outputs, 'webhook_parameter'), Type: 'SecureString', Value: sink.url, Overwrite: true }),
    );

    const app = await target.startInstanceApp({ instanceId, entry: path.join(api.bundleDir, 'index.js'), env: { ...environment, TERMINATE_WAIT_SECONDS: '30' } });
    log(`the cat API runs as ${instanceId} (role ${app.roleName}) on ${app.url}`);
    const runId = newRunId();
    const revert = options.revert ?? true;
    const run = await runCatApi(app.url, { revert, runId, onCall: (c) => log(`GET ${c.path}: ${c.status} in ${c.ms} ms (${c.summary.slice(0, 120)})`) });
    if (options.signal?.aborted) throw new Error('interrupted');
    await target.idle();
    const after = await target.webhook();
    // Every alert of the session about a miner: one per miner launched, for it running.
    const alerts = alertsAbout(after.messages, MINER_NAME);
    for (const alert of alerts) log(`webhook received: ${alert}`);
    const left = await leftovers(target, launchedBy);
    log(left.length ? `left behind: ${left.join(', ')}` : 'nothing left behind: no miner running, no random-val-* bucket');
    const enough = run.calls.find((c) => c.path === '/enough');
    return {
      runId,
      instanceId,
      reverted: String(revert),
      statuses: run.calls.map((c) => `${c.path} ${c.status}`),
      minerAlerts: alerts,
      leftovers: left,
      enoughFailed: enough && enough.status >= 300 ? (cleanupFailures(enough.report).length ? cleanupFailures(enough.report) : [enough.summary]) : [],
    };
  },

  questions: [
    { query: 'instance-activity', title: "what did the API's instance do?", params: (_c, facts) => ({ instance_id: String(facts.instanceId) }) },
    { query: 'bucket-creations', title: 'who created which bucket?', params: () => ({}) },
  ],

  verdict(answers, { outputs }, facts: SimulationFacts) {
    const role = outputString(outputs, 'api_role_name');
    const activity = answers.get('instance-activity')?.rows ?? [];
    const did = new Set(activity.map((r) => String(r.eventname)));
    const decoys = (answers.get('bucket-creations')?.rows ?? []).filter((r) => String(r.bucket_name).startsWith(DECOY_BUCKET_PREFIX));
    const reverted = facts.reverted === 'true';
    const launches = activity.filter((r) => r.eventname === 'RunInstances').length;
    const alerts = facts.minerAlerts as string[];
    const expected = `RunInstances and CreateBucket by the instance session, the decoy bucket created by its role, one alert per miner launched (running)${reverted ? ', nothing left after /enough' : ''}`;
    const problems = [
      ...['RunInstances', 'CreateBucket', ...(reverted ? ['TerminateInstances', 'DeleteBucket'] : [])].filter((n) => !did.has(n)).map((n) => `no ${n} by ${facts.instanceId}`),
      ...(decoys.length >= 1 && decoys.every((d) => d.username === role) ? [] : [`${decoys.length} random-val-* bucket creation(s), by ${decoys.map((d) => d.username).join(', ') || 'nobody'}`]),
      ...(alerts.length === launches && alerts.every((a) => /\*running\*/.test(a)) ? [] : [`${alerts.length} alert(s) about the miner for ${launches} launch(es): ${alerts.join(' | ') || 'none'}`]),
      ...(reverted ? (facts.leftovers as string[]).map((l) => `left behind: ${l}`) : []),
      ...(facts.enoughFailed as string[]).map((f) => `/enough failed: ${f}`),
    ];
    const found = `${facts.instanceId} did ${[...did].sort().join(', ') || 'nothing'}; ${alerts.length} miner alert(s); ${(facts.leftovers as string[]).length} leftover(s)`;
    return problems.length === 0
      ? {
          ok: true,
          expected,
          found,
          message: `the API's instance ${facts.instanceId} (role ${role}) created ${decoys.map((d) => d.bucket_name).join(', ')} and launched ${launches} miner(s); the webhook got ${alerts.length} alert(s), for running${reverted ? '; /enough left nothing behind' : '; call /enough (simulate --revert) to clean up'}`,
        }
      : { ok: false, expected, found, message: problems.join('; ') };
  },
};
