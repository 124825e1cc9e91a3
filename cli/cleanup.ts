import * as readline from 'node:readline/promises';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { runCleanup } from '../cleanup/cleanup';
import { Clients, createClients, credentialsFromEnv, destroyClients } from '../cleanup/clients';
import type { Found } from '../cleanup/resources';
import { readSettings, validateRegion } from '../deployment/settings';
import { findScenario } from '../scenarios/registry';
import type { Io } from './main';
import { endpointUrl } from './options';

interface CleanupCliOptions {
  dryRun?: boolean;
  endpoint?: string;
  region?: string;
  yes?: boolean;
  verbose?: boolean;
}

/** Where the question is asked: the process's terminal, or a test's stand-in. */
export interface Terminal {
  /** Whether a person can answer (stdin is a TTY). */
  readonly interactive: boolean;
  ask(question: string): Promise<string>;
}

export const processTerminal: Terminal = {
  get interactive() {
    return Boolean(process.stdin.isTTY);
  },
  async ask(question) {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
};

export interface CleanupCommandDeps {
  /** @default processTerminal */
  readonly terminal?: Terminal;
  /** @default SDK clients for the region and endpoint */
  readonly clients?: (settings: { region: string; endpoint?: string }) => Clients;
  /** Seconds to wait for instances to terminate. @default 600 */
  readonly instanceWaitSeconds?: number;
  /** @default 5000 */
  readonly pollMs?: number;
}

function region(value: string): string {
  try {
    validateRegion(value, '--region');
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return value;
}

export const REFUSAL =
  'cleanup removes resources and asks first, but stdin is not a terminal: pass --yes to remove without asking, or --dry-run to list what would be removed';

/**
 * `cloudtrail-lab cleanup <scenario>`: finds what a scenario left behind in
 * the account and region (by its tags and names, including the cat API's
 * miners and decoy buckets that Terraform does not manage) and removes it.
 */
export function cleanupCommand(io: Io, deps: CleanupCommandDeps = {}): Command {
  const terminal = deps.terminal ?? processTerminal;
  return new Command('cleanup')
    .description("find what a scenario left behind in the account and region (by its tags and names) and remove it, listing each resource")
    .argument('<scenario>', 'scenario whose leftovers to remove (cloudtrail-lab list)')
    .option('--dry-run', 'only list what would be removed')
    .option('--endpoint <url>', 'send every AWS call to this endpoint (the local emulator; default CTLAB_ENDPOINT, else AWS)', endpointUrl)
    .option('--region <region>', 'region to clean (default CTLAB_REGION, then AWS_REGION, then us-east-1)', region)
    .option('--yes', 'remove without asking')
    .option('--verbose', 'also list the labs resources kept because they belong to another deployment or scenario')
    .action(async (scenarioName: string, options: CleanupCliOptions) => {
      const scenario = findScenario(scenarioName);
      const settings = readSettings(io.env);
      // Never delete unasked: decide before any AWS call.
      if (!options.dryRun && !options.yes && !terminal.interactive) throw new Error(REFUSAL);
      const scope = { prefix: settings.prefix, scenario: scenario.name, region: options.region ?? settings.region };
      const endpoint = options.endpoint ?? settings.endpoint;
      const clients = deps.clients
        ? deps.clients({ region: scope.region, endpoint })
        : createClients({ region: scope.region, endpoint, credentials: credentialsFromEnv(io.env) });
      try {
        const confirm = options.yes
          ? undefined
          : async (found: readonly Found[]): Promise<boolean> => {
              const answer = await terminal.ask(
                `remove ${found.length === 1 ? 'this resource' : `these ${found.length} resources`} of ${scope.scenario} (prefix ${scope.prefix}) in ${scope.region}${endpoint ? ` at ${endpoint}` : ''}? ` +
                  `KMS keys get the minimum 7-day deletion window. Type "yes" to go on: `,
              );
              return /^y(es)?$/i.test(answer.trim());
            };
        const summary = await runCleanup({
          scope,
          clients,
          dryRun: Boolean(options.dryRun),
          verbose: options.verbose,
          confirm,
          out: io.out,
          err: io.err,
          instanceWaitMs: (deps.instanceWaitSeconds ?? 600) * 1000,
          pollMs: deps.pollMs,
        });
        if (summary.failed > 0) throw new CommanderError(1, 'cloudtrail-lab.cleanup', summary.line);
      } finally {
        if (!deps.clients) destroyClients(clients);
      }
    });
}
