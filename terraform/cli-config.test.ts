import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AWS_PROVIDER, AWS_PROVIDER_VERSION, findProviderMirror, renderCliConfig, writeCliConfig } from './cli-config';

function fakeMirror(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-mirror-'));
  fs.mkdirSync(path.join(dir, AWS_PROVIDER, AWS_PROVIDER_VERSION, 'linux_amd64'), { recursive: true });
  return dir;
}

describe('Terraform CLI config', () => {
  it('uses the filesystem mirror for the AWS provider and the registry for nothing else', () => {
    const text = renderCliConfig('/opt/tf-plugins', '/tmp/cache');
    expect(text).toContain('filesystem_mirror {\n    path    = "/opt/tf-plugins"\n    include = ["registry.terraform.io/hashicorp/aws"]');
    expect(text).toContain('direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]');
    expect(text).not.toContain('plugin_cache_dir');
  });

  it('falls back to the registry when there is no mirror', () => {
    const text = renderCliConfig(undefined, '/tmp/cache');
    expect(text).not.toContain('provider_installation');
    expect(text).toContain('plugin_cache_dir = "/tmp/cache"');
  });

  if (process.platform === 'linux' && process.arch === 'x64') {
    it('finds a mirror named by CTLAB_TF_PROVIDER_MIRROR and writes the config there', () => {
      const mirror = fakeMirror();
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-cli-'));
      try {
        expect(findProviderMirror({ CTLAB_TF_PROVIDER_MIRROR: mirror })).toBe(mirror);
        const config = writeCliConfig(out, { CTLAB_TF_PROVIDER_MIRROR: mirror });
        expect(config.mirror).toBe(mirror);
        expect(fs.readFileSync(config.file, 'utf8')).toContain(`path    = ${JSON.stringify(mirror)}`);
      } finally {
        fs.rmSync(mirror, { recursive: true, force: true });
        fs.rmSync(out, { recursive: true, force: true });
      }
    });
  }

  it('rejects a CTLAB_TF_PROVIDER_MIRROR that does not hold the provider, saying where it looked', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-empty-'));
    try {
      expect(() => findProviderMirror({ CTLAB_TF_PROVIDER_MIRROR: empty })).toThrow(
        new RegExp(`does not hold ${AWS_PROVIDER} ${AWS_PROVIDER_VERSION} .*expected ${empty}/${AWS_PROVIDER}/${AWS_PROVIDER_VERSION}/`),
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
