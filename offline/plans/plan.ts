import { LabStack } from '../../modules/lab-stack/lab-stack';
import { QueryResult } from '../../query/result';
import { LocalTarget } from '../local-target';

/** How much traffic a simulation makes; every plan reads what applies to it. */
export interface SimulationOptions {
  /** Uploads or calls. @default 30 */
  readonly count: number;
  /** Milliseconds between them. @default 100 */
  readonly intervalMs: number;
  /** Object size in bytes. @default 16384 */
  readonly sizeBytes: number;
  /** Undo what the simulation did, where the lab has a revert step (suspicious-api's /enough). @default true */
  readonly revert?: boolean;
  readonly signal?: AbortSignal;
}

export interface PlanContext {
  readonly target: LocalTarget;
  /** The deployed stack's Terraform outputs (sensitive ones included). */
  readonly outputs: Record<string, unknown>;
  /** The stack as synthesized for this deployment, for what outputs do not say. */
  readonly stack: LabStack;
  readonly log: (line: string) => void;
}

/** What a simulation did, kept between `simulate --local` and `query --local`. */
export type SimulationFacts = Record<string, string | number | string[]>;

/** One of the lab's questions: a shipped query and how to fill its parameters. */
export interface Question {
  readonly query: string;
  readonly title: string;
  params(context: PlanContext, facts: SimulationFacts): Record<string, string>;
}

export interface Verdict {
  /** Whether the logs give the answer the deployed configuration implies. */
  readonly ok: boolean;
  readonly message: string;
  /** The answer the deployed configuration implies, when there is one to compare. @default - none */
  readonly expected?: string;
  /** The answer the logs gave. @default - none */
  readonly found?: string;
}

/** A scenario's offline run: the traffic to make, the questions to ask, and how to judge the answers. */
export interface OfflinePlan {
  readonly scenario: string;
  simulate(context: PlanContext, options: SimulationOptions): Promise<SimulationFacts>;
  readonly questions: readonly Question[];
  verdict(answers: ReadonlyMap<string, QueryResult>, context: PlanContext, facts: SimulationFacts): Verdict;
}

/** A Terraform output as a string, or an error naming it. */
export function outputString(outputs: Record<string, unknown>, name: string): string {
  const value = outputs[name];
  if (typeof value !== 'string' || value === '') throw new Error(`the deployed stack has no output "${name}" (outputs: ${Object.keys(outputs).join(', ') || 'none'})`);
  return value;
}
