// Jest transformer: TypeScript through esbuild (fast, no type-check; `npm run typecheck` checks types).
'use strict';
const crypto = require('node:crypto');
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return crypto.createHash('sha256').update(source).update(filename).update('v1').digest('hex');
  },
};
