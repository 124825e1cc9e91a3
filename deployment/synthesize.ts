import * as path from 'node:path';
import { App } from 'cdktf';
import { buildStacks } from '../scenarios/registry';
import { Finding } from '../modules/policy-checks/policy-checks';
import { DeploymentSettings } from './settings';

export interface SynthesizedStack {
  readonly name: string;
  /** Folder Terraform runs in. */
  readonly workingDirectory: string;
  /** Warnings and acknowledged findings of the policy checks. */
  readonly findings: Finding[];
}

export interface SynthesizeOptions {
  readonly settings: DeploymentSettings;
  /** @default "cdktf.out" in the current folder */
  readonly outdir?: string;
  /** Only this stack. @default - every stack */
  readonly only?: string;
}

/** Synthesizes stacks in-process (what `cdktf synth` does, without the CLI's start-up). */
export function synthesize(options: SynthesizeOptions): SynthesizedStack[] {
  const outdir = path.resolve(options.outdir ?? 'cdktf.out');
  const app = new App({ outdir });
  const stacks = buildStacks(app, options.settings, options.only);
  app.synth();
  return stacks.map((stack) => ({
    name: stack.node.id,
    workingDirectory: path.join(outdir, 'stacks', stack.node.id),
    findings: stack.policyChecks.findings,
  }));
}
