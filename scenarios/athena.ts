import { TerraformOutput } from 'cdktf';
import { AthenaCloudTrail } from '../modules/athena-cloudtrail/athena-cloudtrail';
import { LabStack } from '../modules/lab-stack/lab-stack';
import { Trail } from '../modules/trail/trail';
import { loadQueries } from '../query/catalog';

/** Athena over a scenario's trail, with the scenario's queries saved in the workgroup, and outputs naming both. */
export function addAthena(stack: LabStack, trail: Trail, scenario: string): AthenaCloudTrail {
  const athena = new AthenaCloudTrail(stack, 'athena', {
    trail,
    queries: loadQueries(scenario).map((q) => ({ name: q.name, description: q.description, sql: q.sql })),
    forceDestroy: true,
  });
  new TerraformOutput(stack, 'athena_database', { value: athena.databaseName });
  new TerraformOutput(stack, 'athena_workgroup', { value: athena.workgroupName });
  return athena;
}
