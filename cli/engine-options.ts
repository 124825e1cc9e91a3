import { Command } from 'commander';

/**
 * Rejects options given on the command line that the chosen engine does not
 * use, instead of ignoring them silently.
 */
export function rejectOtherEngineOptions(command: Command, engine: string, byEngine: Record<string, string[]>): void {
  for (const [owner, names] of Object.entries(byEngine)) {
    if (owner === engine) continue;
    for (const name of names) {
      if (command.getOptionValueSource(name) === 'cli') {
        const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
        throw new Error(`${flag === '--cache' ? '--no-cache' : flag} applies to --engine ${owner}, not ${engine}`);
      }
    }
  }
}
