#!/usr/bin/env node
'use strict';
// Our AWS SDK versions are pinned (package.json): the SDK's notice about its releases after January 2027 needing Node 22 does not apply to them.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('../tools/register-ts.js');
require('../cli/main.ts').main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`cloudtrail-lab: ${err && err.message ? err.message : err}\n`);
    process.exitCode = 1;
  },
);
