// Loads .ts files through esbuild's transform (no type-check) so the CLI and
// `cdktf synth` start fast. Type checking is `npm run typecheck`, part of `npm test`.
'use strict';
const fs = require('node:fs');
const { transformSync } = require('esbuild');

require.extensions['.ts'] = function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: filename,
  });
  module._compile(code, filename);
};
process.setSourceMapsEnabled?.(true);
