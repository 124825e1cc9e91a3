import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../shared/clients';
import { HandlerError, createLogger, requireEnv } from '../shared/log';
import { ObjectRef, objectsCreated } from '../shared/s3-records';

/**
 * random-lambda-call (seed 000): for each object uploaded to the ingest
 * bucket, invokes one of the KMS apps asynchronously, chosen at random with
 * the weights from APP_FUNCTIONS.
 */

export interface WeightedApp {
  readonly name: string;
  readonly weight: number;
}

export const clients = { lambda: new LambdaClient(clientConfig()) };

/** APP_FUNCTIONS: a JSON array of {name, weight}, weights > 0. */
export function parseApps(text: string): WeightedApp[] {
  let apps: unknown;
  try {
    apps = JSON.parse(text);
  } catch {
    throw new HandlerError('APP_FUNCTIONS is not JSON: expected [{"name": "...", "weight": 1}, ...]');
  }
  if (!Array.isArray(apps) || apps.length === 0) throw new HandlerError('APP_FUNCTIONS must list at least one function');
  return apps.map((a: { name?: unknown; weight?: unknown }, i) => {
    if (typeof a?.name !== 'string' || typeof a.weight !== 'number' || !(a.weight > 0)) {
      throw new HandlerError(`APP_FUNCTIONS[${i}] must be {"name": string, "weight": number > 0}`);
    }
    return { name: a.name, weight: a.weight };
  });
}

/** Weighted random choice; `random` is in [0, 1). */
export function chooseApp(apps: WeightedApp[], random: number): WeightedApp {
  const total = apps.reduce((sum, a) => sum + a.weight, 0);
  let point = random * total;
  for (const app of apps) {
    point -= app.weight;
    if (point < 0) return app;
  }
  return apps[apps.length - 1];
}

/** The payload a KMS app receives. */
export interface AppRequest extends ObjectRef {
  readonly dispatchedBy: string;
}

export async function handler(event: unknown, context: Pick<Context, 'awsRequestId' | 'functionName'>): Promise<{ dispatched: { key: string; app: string }[] }> {
  const log = createLogger(context.awsRequestId, context.functionName);
  try {
    const apps = parseApps(requireEnv('APP_FUNCTIONS'));
    const objects = objectsCreated(event, requireEnv('INGEST_BUCKET'));
    const dispatched: { key: string; app: string }[] = [];
    for (const object of objects) {
      const app = chooseApp(apps, Math.random());
      const request: AppRequest = { ...object, dispatchedBy: context.functionName };
      await clients.lambda.send(
        new InvokeCommand({ FunctionName: app.name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(request)) }),
      );
      log.info('dispatched', { bucket: object.bucket, key: object.key, app: app.name });
      dispatched.push({ key: object.key, app: app.name });
    }
    return { dispatched };
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error), error instanceof HandlerError ? error.details : { name: (error as Error)?.name });
    throw error;
  }
}
