// Lint for berth's TypeScript: typescript-eslint's type-aware recommended rules (the type checker
// sees what a syntax-only linter cannot: floating and misused promises, unsafe `any`, needless
// assertions). Formatting is prettier's job (`npm run format:check`), not the linter's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const unsafeAny = {
  "@typescript-eslint/no-unsafe-assignment": "off",
  "@typescript-eslint/no-unsafe-member-access": "off",
  "@typescript-eslint/no-unsafe-call": "off",
  "@typescript-eslint/no-unsafe-return": "off",
  "@typescript-eslint/no-unsafe-argument": "off",
};

export default tseslint.config(
  { ignores: ["dist/**", "docs/**", "node_modules/**", "examples/**", "fixtures/**", "scripts/**", "artifacts/**", "**/*.mjs", "**/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `_`-prefixed names are deliberately unused (a required parameter, a skipped tuple slot).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // The swarm half of the Engine API boundary keeps the API's loose JSON inside this one file
    // (its header says so) and hands callers the small types of swarm-types.ts.
    files: ["src/engine/swarm.ts"],
    rules: unsafeAny,
  },
  {
    // Tests read berth's JSON output and the engine's answers and assert on their shape; a wrong
    // shape fails the assertion at run time, which is the point of the test.
    files: ["test/**/*.ts"],
    rules: unsafeAny,
  },
);
