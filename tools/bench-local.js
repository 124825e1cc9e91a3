#!/usr/bin/env node
// Benchmark of the offline lab. Not a timed test.
//  1. `cloudtrail-lab run kms-mystery --local` as a user runs it (npm start):
//     wall time, the split per step, and peak memory of the whole process tree
//     (node, moto, terraform and its provider, the Lambda hosts), sampled
//     from /proc every 200 ms.
//  2. Edge overhead: the same SDK calls sent to moto directly and through the
//     local AWS edge (recording into a logging trail), per request.
// Usage: npm run bench:local [-- --requests 300] [-- --skip-run]
'use strict';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('./register-ts.js');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const requests = Number(arg('--requests', 300));

/** RSS in bytes of a process and all its descendants, from /proc. */
function treeRss(rootPid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop();
    try {
      total += Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
    } catch {
      // gone
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

function runOffline() {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['bin/cloudtrail-lab.js', 'run', 'kms-mystery', '--local'], {
      cwd: root,
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRss(child.pid))), 200);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      for (const line of d.toString().split('\n')) if (/: done in|^answer/.test(line)) process.stderr.write(`  ${line}\n`);
    });
    child.on('exit', (code) => {
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`run --local failed (${code}):\n${stderr.slice(-2000)}`));
      resolve({ seconds, peakMiB: peak / 1024 / 1024, timings: /timings \(s\): (.*)/.exec(stdout)?.[1] ?? '' });
    });
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function edgeOverhead() {
  const { startMoto } = require('../emulator/moto-server.ts');
  const { startEdge } = require('../emulator/edge/edge-server.ts');
  const { IdentityRegistry } = require('../emulator/edge/identities.ts');
  const { LocalCloudTrail } = require('../emulator/local-cloudtrail.ts');
  const { S3Client, CreateBucketCommand, PutObjectCommand } = require('@aws-sdk/client-s3');
  const { KMSClient, CreateKeyCommand, EncryptCommand } = require('@aws-sdk/client-kms');
  const { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } = require('@aws-sdk/client-cloudtrail');
  const moto = await startMoto();
  const credentials = { accessKeyId: 'AKIABENCHOPERATOR001', secretAccessKey: 'bench' };
  const identities = new IdentityRegistry();
  identities.register(credentials.accessKeyId, { type: 'IAMUser', userName: 'lab-operator', accountId: '123456789012', principalId: 'AIDABENCH' });
  const cloudtrail = new LocalCloudTrail({ motoEndpoint: moto.endpoint, accountId: '123456789012', region: 'us-east-1' });
  const edge = await startEdge({ target: moto.endpoint, accountId: '123456789012', identities, onRecord: (r, op) => cloudtrail.record(r, op) });
  try {
    const config = (endpoint) => ({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    const s3 = { direct: new S3Client({ ...config(moto.endpoint), forcePathStyle: true }), edge: new S3Client({ ...config(edge.endpoint), forcePathStyle: true }) };
    const kms = { direct: new KMSClient(config(moto.endpoint)), edge: new KMSClient(config(edge.endpoint)) };
    await s3.edge.send(new CreateBucketCommand({ Bucket: 'bench-trail' }));
    await s3.edge.send(new CreateBucketCommand({ Bucket: 'bench-data' }));
    const trails = new CloudTrailClient(config(edge.endpoint));
    await trails.send(new CreateTrailCommand({ Name: 'bench', S3BucketName: 'bench-trail' }));
    await trails.send(new StartLoggingCommand({ Name: 'bench' }));
    const key = (await kms.edge.send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
    const body = Buffer.alloc(1024, 'x');
    const calls = {
      'S3 PutObject 1 KiB': (c, i) => c.s3.send(new PutObjectCommand({ Bucket: 'bench-data', Key: `k${i}`, Body: body })),
      'KMS Encrypt': (c) => c.kms.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('bench') })),
    };
    const lines = [];
    for (const [name, call] of Object.entries(calls)) {
      const result = {};
      for (const via of ['direct', 'edge']) {
        const clients = { s3: s3[via], kms: kms[via] };
        for (let i = 0; i < 20; i++) await call(clients, i); // warm up
        const times = [];
        for (let i = 0; i < requests; i++) {
          const t = process.hrtime.bigint();
          await call(clients, i);
          times.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
        times.sort((a, b) => a - b);
        result[via] = { median: percentile(times, 50), p95: percentile(times, 95) };
      }
      lines.push(
        `${name}: direct median ${result.direct.median.toFixed(2)} ms (p95 ${result.direct.p95.toFixed(2)}), ` +
          `through the edge ${result.edge.median.toFixed(2)} ms (p95 ${result.edge.p95.toFixed(2)}): ` +
          `overhead ${(result.edge.median - result.direct.median).toFixed(2)} ms per request at the median`,
      );
    }
    await cloudtrail.stop();
    return lines;
  } finally {
    await edge.stop();
    await moto.stop();
  }
}

(async () => {
  if (!process.argv.includes('--skip-run')) {
    process.stderr.write('run kms-mystery --local ...\n');
    const run = await runOffline();
    console.log(`run kms-mystery --local: ${run.seconds.toFixed(1)} s wall, peak ${run.peakMiB.toFixed(0)} MiB for the whole process tree; steps (s): ${run.timings}`);
  }
  process.stderr.write(`edge overhead: ${requests} sequential requests per call, direct and through the edge ...\n`);
  for (const line of await edgeOverhead()) console.log(line);
})().catch((error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
