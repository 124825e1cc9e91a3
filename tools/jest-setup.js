// cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, ...).
const cdktf = require('cdktf');
cdktf.Testing.setupJest();
process.env.CHECKPOINT_DISABLE = '1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
