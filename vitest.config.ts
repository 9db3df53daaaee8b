import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Examples import the package by name, as users do; tests run them from source.
    alias: [
      { find: /^matterapi\/testing$/, replacement: new URL("./src/testing/index.ts", import.meta.url).pathname },
      {
        find: /^matterapi\/integrations$/,
        replacement: new URL("./src/integrations/index.ts", import.meta.url).pathname,
      },
      { find: /^matterapi\/schemas$/, replacement: new URL("./src/schemas.ts", import.meta.url).pathname },
      { find: /^matterapi$/, replacement: new URL("./src/index.ts", import.meta.url).pathname },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 120_000,
    typecheck: {
      enabled: true,
      include: ["test/types/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
    },
  },
});
