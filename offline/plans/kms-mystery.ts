import { KmsApps } from '../../modules/kms-apps/kms-apps';
import { newRunId, runUploads, uploaderClient } from '../../simulator/uploader';
import { OfflinePlan, outputString } from './plan';

/**
 * kms-mystery offline: upload objects to the ingest bucket, let the
 * dispatcher and the apps run, then ask who made the most KMS calls. The
 * dispatcher picks apps at random, so raw totals depend on luck; KMS calls per
 * object handled do not, and name the culprit the configuration implies.
 */
export const kmsMysteryPlan: OfflinePlan = {
  scenario: 'kms-mystery',

  async simulate({ target, outputs, log }, options) {
    const bucket = outputString(outputs, 'ingest_bucket');
    const runId = newRunId();
    log(`run id ${runId}: ${options.count} uploads of ${options.sizeBytes} bytes to s3://${bucket}`);
    const summary = await runUploads(
      { bucket, count: options.count, intervalMs: options.intervalMs, sizeBytes: options.sizeBytes, concurrency: 4, runId },
      uploaderClient(runId, target.edgeEndpoint, target.operator, target.region),
      { signal: options.signal },
    );
    if (summary.failed > 0) throw new Error(`${summary.failed} upload(s) failed: ${summary.errors[0]}`);
    const failures = await target.idle();
    if (failures.length > 0) throw new Error(`Lambda invocations failed: ${failures.map((f) => `${f.function}: ${f.error}`).join('; ')}`);
    return { runId, uploads: summary.sent, sizeBytes: options.sizeBytes };
  },

  questions: [
    { query: 'kms-calls-by-caller', title: 'who is consuming the most KMS API calls?', params: () => ({}) },
    { query: 'kms-calls-per-invocation', title: 'and per object handled?', params: () => ({}) },
  ],

  verdict(answers, { stack }, facts) {
    const pipeline = stack.node.findAll().find((c): c is KmsApps => c instanceof KmsApps);
    if (!pipeline) throw new Error('the kms-mystery stack has no KmsApps pipeline');
    const expected = `${stack.settings.prefix}-kms-mystery-${pipeline.culpritFor(Number(facts.sizeBytes))}`;
    const top = answers.get('kms-calls-per-invocation')?.rows[0]?.caller as string | undefined;
    return top === expected
      ? { ok: true, expected, found: top, message: `${top} makes the most KMS calls per object, as the deployed configuration says it should` }
      : { ok: false, expected, found: top, message: `${top ?? 'nobody'} makes the most KMS calls per object, but the deployed configuration makes ${expected} the culprit` };
  },
};
