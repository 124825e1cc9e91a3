// cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, ...).
const cdktf = require('cdktf');
cdktf.Testing.setupJest();
process.env.CHECKPOINT_DISABLE = '1';
