import { Construct } from 'constructs';
import { DeploymentSettings } from '../deployment/settings';
import { LabStack } from '../modules/lab-stack/lab-stack';

/** One lab: a stack of the same name, and what a student needs to know to pick it. */
export interface Scenario {
  /** Stack and folder name, e.g. `audit-trail`. */
  readonly name: string;
  /** One line for `cloudtrail-lab list`. */
  readonly summary: string;
  /** The seed document it comes from, under shared/seeds. */
  readonly seed: string;
  /** Adds the scenario's stack to an app. */
  build(scope: Construct, settings: DeploymentSettings): LabStack;
}
