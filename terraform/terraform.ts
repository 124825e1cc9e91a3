import { spawn } from 'node:child_process';

export interface TerraformRunOptions {
  /** Stack working directory (`cdktf.out/stacks/<stack>`). */
  readonly cwd: string;
  /** Environment: must include TF_CLI_CONFIG_FILE from `writeCliConfig`. */
  readonly env: NodeJS.ProcessEnv;
  /** Kill Terraform after this long: a hang is a failure, not a wait. */
  readonly timeoutMs: number;
  /** Each output line as it arrives (progress). @default - ignored */
  readonly onLine?: (line: string) => void;
}

export interface TerraformResult {
  readonly code: number;
  /** stdout and stderr, interleaved, for messages. */
  readonly output: string;
  /** stdout alone, for values (`terraform output -raw`). */
  readonly stdout: string;
  readonly seconds: number;
}

/** Runs `terraform <args>`; rejects with the output's tail on failure or timeout. */
export function terraform(args: string[], options: TerraformRunOptions): Promise<TerraformResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', args, {
      cwd: options.cwd,
      env: { ...options.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    let pending = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      take(chunk);
    });
    child.stderr.on('data', take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run terraform (${err.message}); install Terraform >= 1.10 and put it on PATH`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending) options.onLine?.(pending);
      const seconds = (Date.now() - started) / 1000;
      const tail = output.trim().split('\n').slice(-40).join('\n');
      if (timedOut) {
        reject(new Error(`terraform ${args[0]} in ${options.cwd} did not finish within ${options.timeoutMs / 1000} s and was stopped; last output:\n${tail}`));
      } else if (code !== 0) {
        reject(new Error(`terraform ${args.join(' ')} failed in ${options.cwd} (exit ${code}):\n${tail}`));
      } else {
        resolve({ code: 0, output, stdout, seconds });
      }
    });
  });
}
