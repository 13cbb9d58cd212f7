import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["./berth.setup.ts"],
    testTimeout: 30_000,
  },
});
