import { captureIo } from './testing';

// The offline answer's verdict decides the exit code: a wrong answer must not look like success to a script.
// (doMock, then require: the project's esbuild transform does not hoist jest.mock above imports.)
jest.doMock('../offline/session-steps', () => ({
  queryLocal: jest.fn(async () => ({
    answers: new Map(),
    verdict: { ok: false, expected: 'ctlab-kms-mystery-lambda-app-2', found: 'ctlab-kms-mystery-lambda-app-1', message: 'ctlab-kms-mystery-lambda-app-1 makes the most KMS calls per object, but the deployed configuration makes ctlab-kms-mystery-lambda-app-2 the culprit' },
  })),
  pullLocalLogs: jest.fn(),
  simulateLocal: jest.fn(),
  deployLocal: jest.fn(),
  destroyLocal: jest.fn(),
}));
const { main } = require('./main') as typeof import('./main');

describe('query --local', () => {
  it('prints the answer and exits non-zero when the logs contradict the deployed configuration', async () => {
    const { io, out, err } = captureIo();
    expect(await main(['node', 'cloudtrail-lab', 'query', 'kms-mystery', '--local'], io)).toBe(1);
    expect(out).toEqual(['answer: ctlab-kms-mystery-lambda-app-1 makes the most KMS calls per object, but the deployed configuration makes ctlab-kms-mystery-lambda-app-2 the culprit']);
    expect(err).toEqual(['cloudtrail-lab: the logs do not give the answer the deployed configuration implies (expected ctlab-kms-mystery-lambda-app-2)']);
  });
});
