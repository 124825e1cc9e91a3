import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const AWS_PROVIDER = 'registry.terraform.io/hashicorp/aws';
export const AWS_PROVIDER_VERSION = '5.100.0';

/** Places a filesystem mirror of providers is looked for, after CTLAB_TF_PROVIDER_MIRROR. */
export const MIRROR_CANDIDATES = [
  '/opt/tf-plugins',
  path.join(os.homedir(), '.terraform.d', 'plugins'),
  path.join(os.homedir(), '.local', 'share', 'terraform', 'plugins'),
  '/usr/local/share/terraform/plugins',
  '/usr/share/terraform/plugins',
];

function platform(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'arm64' ? 'arm64' : process.arch;
  return `${process.platform}_${arch}`;
}

/** True when `dir` holds the AWS provider in Terraform's unpacked or packed mirror layout. */
export function holdsAwsProvider(dir: string): boolean {
  const base = path.join(dir, AWS_PROVIDER);
  const unpacked = path.join(base, AWS_PROVIDER_VERSION, platform());
  const packed = path.join(base, `terraform-provider-aws_${AWS_PROVIDER_VERSION}_${platform()}.zip`);
  return fs.existsSync(unpacked) || fs.existsSync(packed);
}

/** The provider mirror to use, if any: CTLAB_TF_PROVIDER_MIRROR, else the first candidate holding the AWS provider. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.CTLAB_TF_PROVIDER_MIRROR;
  if (configured) {
    if (!holdsAwsProvider(configured)) {
      throw new Error(
        `CTLAB_TF_PROVIDER_MIRROR=${configured} does not hold ${AWS_PROVIDER} ${AWS_PROVIDER_VERSION} for ${platform()} ` +
          `(expected ${path.join(configured, AWS_PROVIDER, AWS_PROVIDER_VERSION, platform())} or the packed .zip beside it)`,
      );
    }
    return configured;
  }
  return MIRROR_CANDIDATES.find(holdsAwsProvider);
}

/**
 * The text of a Terraform CLI config: the mirror for the AWS provider when
 * there is one (no plugin cache: the mirror is already local), the registry
 * with a plugin cache otherwise.
 */
export function renderCliConfig(mirror: string | undefined, pluginCacheDir: string): string {
  const lines = ['# Written by cloudtrail-labs (terraform/cli-config.ts); regenerated on every run.'];
  if (!mirror) lines.push(`plugin_cache_dir = ${JSON.stringify(pluginCacheDir)}`);
  if (mirror) {
    lines.push(
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      `    include = [${JSON.stringify(AWS_PROVIDER)}]`,
      '  }',
      '  direct {',
      `    exclude = [${JSON.stringify(AWS_PROVIDER)}]`,
      '  }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface CliConfig {
  /** Path of the written config: pass it as TF_CLI_CONFIG_FILE. */
  readonly file: string;
  /** The provider mirror in use, or undefined when providers come from the registry. */
  readonly mirror?: string;
}

/**
 * Writes the project's Terraform CLI config under `dir` (default `.terraform-cli`
 * in the project) and returns its path. The user's own TF_CLI_CONFIG_FILE is
 * not read: it may not exist, and a lab must not depend on it.
 */
export function writeCliConfig(dir: string, env: NodeJS.ProcessEnv = process.env): CliConfig {
  const mirror = findProviderMirror(env);
  const cache = path.join(dir, 'plugin-cache');
  fs.mkdirSync(cache, { recursive: true });
  const file = path.join(dir, 'terraformrc');
  fs.writeFileSync(file, renderCliConfig(mirror, cache));
  return { file, mirror };
}
