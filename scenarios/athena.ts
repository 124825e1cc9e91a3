import { TerraformOutput } from 'cdktf';
import { AthenaCloudTrail } from '../modules/athena-cloudtrail/athena-cloudtrail';
import { LabStack } from '../modules/lab-stack/lab-stack';
import { Trail } from '../modules/trail/trail';
import { loadQueries } from '../query/catalog';
import { athenaParameterized } from '../query/render';

/** Athena over a scenario's trail, with the scenario's queries saved in the workgroup, and outputs naming both. */
export function addAthena(stack: LabStack, trail: Trail, scenario: string): AthenaCloudTrail {
  const athena = new AthenaCloudTrail(stack, 'athena', {
    trail,
    // Saved with execution parameters (?) so they run in the console as they are; the description lists them in order.
    queries: loadQueries(scenario).map((q) => {
      const { sql, parameters } = athenaParameterized(q);
      const order = parameters.length ? ` Parameters, in order: ${parameters.join(', ')} (dates as 'YYYY/MM/DD').` : '';
      return { name: q.name, description: `${q.description}${order}`, sql };
    }),
    forceDestroy: true,
  });
  new TerraformOutput(stack, 'athena_database', { value: athena.databaseName });
  new TerraformOutput(stack, 'athena_workgroup', { value: athena.workgroupName });
  return athena;
}
