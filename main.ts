import { App } from 'cdktf';
import { readSettings } from './deployment/settings';
import { buildStacks } from './scenarios/registry';

// `cdktf synth` / `npm run synth`: one stack per scenario plus state-backend.
// CTLAB_STACK limits the app to one stack (faster when working on a single lab).
const app = new App();
const settings = readSettings(process.env, (key) => app.node.tryGetContext(key));
buildStacks(app, settings, process.env.CTLAB_STACK || undefined);
app.synth();
