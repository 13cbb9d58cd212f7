// Jest: one isolated, healthy shop environment for the whole run, acquired before the first test
// file and released after the last (also when a test file throws or the run is interrupted).
export default {
  testEnvironment: "node",
  testMatch: ["<rootDir>/test/**/*.test.cjs"],
  globalSetup: "<rootDir>/berth.setup.mjs",
  globalTeardown: "<rootDir>/berth.teardown.mjs",
  testTimeout: 30_000,
};
