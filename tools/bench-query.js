#!/usr/bin/env node
// Benchmark of the local query engine (issue: Investigate). Generates (once) a
// deterministic corpus of 1,000,000 CloudTrail records in 200 gzipped files,
// then measures, each step in its own process for its peak memory:
// the first query over the raw files, the one-time ingest, and every shipped
// query after the ingest. Usage: npm run bench:query [-- --files 200 --per-file 5000]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
require('./register-ts.js');

const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const files = arg('--files', 200);
const perFile = arg('--per-file', 5000);
const root = path.resolve(__dirname, '..');
const base = process.env.CTLAB_BENCH_DIR || path.join(os.homedir(), '.cache', 'cloudtrail-labs', 'bench');
const corpus = path.join(base, `corpus-v2-${files}x${perFile}`);
const cacheFile = path.join(base, `corpus-v2-${files}x${perFile}.duckdb`);

const { generateCorpus } = require('../bench/query-corpus.ts');
const started = Date.now();
process.stderr.write(`corpus: ${corpus}\n`);
generateCorpus(corpus, files, perFile, (line) => process.stderr.write(`${line}\n`));
const bytes = spawnSync('du', ['-sb', corpus], { encoding: 'utf8' }).stdout.split('\t')[0];
process.stderr.write(`corpus ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${(files * perFile).toLocaleString()} records, ${(Number(bytes) / 1024 / 1024).toFixed(0)} MiB gzipped\n`);
fs.rmSync(cacheFile, { force: true });

for (const step of ['raw', 'ingest', 'queries']) {
  const child = spawnSync('/usr/bin/time', ['-v', process.execPath, '--require', './tools/register-ts.js', 'bench/query-step.ts', step, corpus, cacheFile], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    process.exit(1);
  }
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr);
  for (const line of child.stdout.trim().split('\n')) {
    const { label, seconds } = JSON.parse(line);
    console.log(`${label.padEnd(62)} ${seconds.toFixed(3)} s`);
  }
  console.log(`  peak RSS of this step: ${rss ? (Number(rss[1]) / 1024).toFixed(0) : '?'} MiB`);
}
