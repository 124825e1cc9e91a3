import { runLocal } from '/work/main/offline/run';
(async () => {
  const r = await runLocal({ scenario: 'kms-mystery', count: 12, intervalMs: 50, env: process.env, log: (l) => console.log(l) });
  console.log(JSON.stringify({ top: r.topCaller, expected: r.expectedCaller, timings: r.timings, files: r.deliveredFiles }));
})().catch((e) => { console.log('FAILED', e.message); process.exit(1); });
