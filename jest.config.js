/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/'],
  transform: { '^.+\\.ts$': '<rootDir>/tools/jest-transform.js' },
  setupFilesAfterEnv: ['<rootDir>/tools/jest-setup.js'],
};
