import { findQuery, loadQueries } from '../query/catalog';
import { LocalEngine } from '../query/local-engine';
import { renderQuery } from '../query/render';

/** One measured step of the query benchmark, run in its own process so its peak memory can be read. */
const [step, logs, cacheFile] = process.argv.slice(2);
const range = { from: '2026-11-01', to: '2026-11-30' };
const params: Record<string, Record<string, string>> = {
  'instance-activity': { instance_id: 'i-0fe770cb48ec0c411' },
  'kms-calls-for-object': { bucket: 'ctlab-kms-mystery-ingest-123456789012', object_key: 'uploads/run-1/dummy-000001.txt' },
  'log-readers': { trail_bucket: 'trail-bucket' },
  'trail-key-decrypts': { key_arn: 'arn:aws:kms:us-east-1:123456789012:key/7a680baa-0000-4000-8000-000000000000' },
};
const timed = async (label: string, work: () => Promise<unknown>) => {
  const started = process.hrtime.bigint();
  const result = await work();
  console.log(JSON.stringify({ label, seconds: Number(process.hrtime.bigint() - started) / 1e9, result }));
};

(async () => {
  if (step === 'raw') {
    const engine = await LocalEngine.open({ logs, ...range });
    await timed('first query over the raw files (kms-calls-by-caller)', async () => (await engine.query(renderQuery(findQuery('kms-mystery', 'kms-calls-by-caller'), {}, range))).rows.length);
    engine.close();
  } else if (step === 'ingest') {
    await timed('one-time ingest', async () => {
      const engine = await LocalEngine.open({ logs, cacheFile });
      const { rows } = await engine.query('SELECT count(*) AS n FROM cloudtrail_logs');
      engine.close();
      return rows[0].n;
    });
  } else {
    const engine = await LocalEngine.open({ logs, cacheFile, ...range });
    for (const scenario of ['kms-mystery', 'suspicious-api', 'sse-kms-bucket', 'audit-trail']) {
      for (const query of loadQueries(scenario)) {
        await timed(`${scenario}/${query.name} after ingest`, async () => (await engine.query(renderQuery(query, params[query.name] ?? {}, range))).rows.length);
      }
    }
    engine.close();
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
