// One warm "container" of a local Lambda function: loads the bundle once
// (its module-level SDK clients included) and runs invocations sent by the
// parent process, one at a time. Plain JS: it runs the bundle as Lambda would.
'use strict';
const path = require('node:path');

const bundle = process.argv[2];
const handlerName = process.env.CTLAB_HANDLER || 'index.handler';
const [file, exported] = handlerName.split('.');
let handler;
try {
  handler = require(path.join(bundle, file))[exported];
  if (typeof handler !== 'function') throw new Error(`${handlerName} is not a function in ${bundle}`);
} catch (error) {
  process.send({ type: 'init-error', message: String(error && error.stack ? error.stack : error) });
  process.exit(1);
}

process.on('message', async (message) => {
  const context = {
    awsRequestId: message.requestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    invokedFunctionArn: message.functionArn,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
  try {
    const result = await handler(message.event, context);
    process.send({ type: 'result', id: message.id, result: result === undefined ? null : result });
  } catch (error) {
    process.send({ type: 'error', id: message.id, errorType: (error && error.name) || 'Error', errorMessage: (error && error.message) || String(error) });
  }
});
process.send({ type: 'ready' });
