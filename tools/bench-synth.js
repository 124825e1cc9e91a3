#!/usr/bin/env node
// Benchmark: wall time and peak memory of synthesizing the whole app, as
// `cdktf synth` runs it (node + esbuild register + main.ts). Not a timed test.
// Usage: npm run bench:synth [-- --runs 5]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const root = path.resolve(__dirname, '..');
const results = [];
for (let i = 0; i < runs; i++) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-bench-'));
  const started = process.hrtime.bigint();
  // /usr/bin/time -v reports the child's peak RSS; fall back to wall time only without it.
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const args = ['--require', './tools/register-ts.js', 'main.ts'];
  const child = timeBin
    ? spawnSync(timeBin, ['-v', process.execPath, ...args], { cwd: root, env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' }, encoding: 'utf8' })
    : spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' }, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    process.exit(1);
  }
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr ?? '');
  results.push({ seconds, peakMiB: rss ? Number(rss[1]) / 1024 : undefined });
  fs.rmSync(outdir, { recursive: true, force: true });
  process.stderr.write(`run ${i + 1}/${runs}: ${seconds.toFixed(3)} s${rss ? `, peak ${(Number(rss[1]) / 1024).toFixed(0)} MiB` : ''}\n`);
}
const sorted = results.map((r) => r.seconds).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
const peak = Math.max(...results.map((r) => r.peakMiB ?? 0));
console.log(`synth of all stacks: median ${median.toFixed(3)} s over ${runs} runs (min ${sorted[0].toFixed(3)} s)${peak ? `, peak RSS ${peak.toFixed(0)} MiB` : ''}`);
