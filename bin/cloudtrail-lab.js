#!/usr/bin/env node
'use strict';
require('../tools/register-ts.js');
require('../cli/main.ts').main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`cloudtrail-lab: ${err && err.message ? err.message : err}\n`);
    process.exitCode = 1;
  },
);
