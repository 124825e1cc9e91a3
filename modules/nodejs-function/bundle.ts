import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

/** Project root: bundles live under `<root>/.build/<kind>/<content hash>/`. */
const ROOT = path.resolve(__dirname, '..', '..');

export interface Bundle {
  /** Folder holding `index.js` and `index.js.map`, named by their content hash. */
  readonly dir: string;
  /** base64 SHA-256 of the bundle and its map: the same source gives the same hash on any machine. */
  readonly hash: string;
  /** Size of index.js in bytes. */
  readonly bytes: number;
}

interface BundleOptions {
  /** Modules left out of the bundle, resolved at run time. */
  readonly external: string[];
  /** Folder under `.build/`: `lambda` for handlers, `app` for programs that run on a server. */
  readonly kind: string;
}

const cache = new Map<string, Bundle>();

/**
 * Bundles one handler with esbuild: platform node, target node20, CommonJS,
 * `@aws-sdk/*` external (the Lambda runtime ships it), minified, with an
 * external source map. The output goes to a content-addressed folder, so
 * parallel synths and repeated builds never disturb each other.
 */
export function bundleHandler(entry: string): Bundle {
  if (!fs.existsSync(path.resolve(entry))) {
    throw new Error(`Lambda entry ${path.resolve(entry)} does not exist; entries live in lambda-src/<function>/index.ts`);
  }
  return bundle(entry, { external: ['@aws-sdk/*'], kind: 'lambda' });
}

/**
 * Bundles a program that runs on a plain Node.js host (an EC2 instance, a
 * local process): the same esbuild settings as `bundleHandler`, but with
 * nothing external, since no runtime there provides the AWS SDK. The output is
 * one `index.js` (and its map) that `node index.js` runs.
 */
export function bundleApp(entry: string): Bundle {
  if (!fs.existsSync(path.resolve(entry))) throw new Error(`app entry ${path.resolve(entry)} does not exist`);
  return bundle(entry, { external: [], kind: 'app' });
}

function bundle(entry: string, options: BundleOptions): Bundle {
  const absolute = path.resolve(entry);
  const cacheKey = `${options.kind}:${absolute}`;
  const cached = cache.get(cacheKey);
  if (cached && fs.existsSync(cached.dir)) return cached;
  const buildDir = path.join(ROOT, '.build', options.kind);
  // A fixed virtual output path keeps the source map's relative paths the same for every build.
  const outfile = path.join(buildDir, '_', 'index.js');
  const result = buildSync({
    entryPoints: [absolute],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: options.external,
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'none',
    outfile,
    write: false,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!js || !map) throw new Error(`esbuild produced no bundle for ${absolute}`);
  const hash = createHash('sha256').update(js.contents).update(map.contents).digest('base64');
  const dir = path.join(buildDir, createHash('sha256').update(hash).digest('hex').slice(0, 16));
  if (!fs.existsSync(dir)) {
    const staging = `${dir}.${process.pid}.tmp`;
    fs.mkdirSync(staging, { recursive: true });
    fs.writeFileSync(path.join(staging, 'index.js'), js.contents);
    fs.writeFileSync(path.join(staging, 'index.js.map'), map.contents);
    try {
      fs.renameSync(staging, dir);
    } catch (error) {
      fs.rmSync(staging, { recursive: true, force: true });
      // Another process wrote the same content first: fine. Anything else is a real failure.
      if (!fs.existsSync(dir)) throw new Error(`could not write the bundle of ${absolute} to ${dir}: ${(error as Error).message}`);
    }
  }
  const built = { dir, hash, bytes: js.contents.length };
  cache.set(cacheKey, built);
  return built;
}
