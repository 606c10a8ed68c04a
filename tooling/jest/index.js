/**
 * Shared Jest preset: TypeScript through SWC (no type checking here; that is
 * the separate `typecheck` task), sibling packages read from source through
 * the `@sunflare/source` export condition.
 *
 * @param {string} displayName shown in front of each test file in multi-project runs
 * @returns {import("jest").Config}
 */
export function jestConfig(displayName) {
  return {
    displayName,
    testEnvironment: "node",
    testEnvironmentOptions: {
      customExportConditions: ["@sunflare/source", "node", "require", "default"],
    },
    testMatch: ["<rootDir>/src/**/*.test.ts", "<rootDir>/test/**/*.test.ts"],
    moduleFileExtensions: ["ts", "js", "json", "node"],
    // Sources import siblings as "./x.js" (Node ESM); Jest must find "./x.ts".
    moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
    transform: {
      "^.+\\.ts$": [
        "@swc/jest",
        {
          jsc: {
            target: "es2022",
            parser: { syntax: "typescript", decorators: true },
            transform: { decoratorVersion: "2022-03" },
            keepClassNames: true,
          },
          module: { type: "commonjs" },
          sourceMaps: "inline",
        },
      ],
    },
  };
}
