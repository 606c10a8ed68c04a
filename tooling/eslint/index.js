import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * Shared flat config: typescript-eslint with type information.
 *
 * @param {string} tsconfigRootDir the package directory (`import.meta.dirname`)
 */
export function eslintConfig(tsconfigRootDir) {
  return tseslint.config(
    { ignores: ["dist/**", "coverage/**", "**/*.js", "**/*.cjs", "**/*.mjs"] },
    {
      files: ["**/*.ts"],
      extends: [
        js.configs.recommended,
        ...tseslint.configs.recommendedTypeChecked,
        ...tseslint.configs.stylisticTypeChecked,
      ],
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      linterOptions: { reportUnusedDisableDirectives: "error" },
      rules: {
        "@typescript-eslint/consistent-type-imports": [
          "error",
          { prefer: "type-imports", fixStyle: "separate-type-imports" },
        ],
        // `@slot` binds methods to their instance, so passing `this.onValue` as a slot is the idiom.
        "@typescript-eslint/unbound-method": "off",
        "@typescript-eslint/no-unused-vars": [
          "error",
          { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
        ],
      },
    },
    {
      // Tests poke at internals and deliberately misuse APIs.
      files: ["**/*.test.ts", "**/*.test-d.ts", "test/**/*.ts"],
      rules: {
        "@typescript-eslint/no-unsafe-assignment": "off",
        "@typescript-eslint/no-unsafe-member-access": "off",
        "@typescript-eslint/no-unsafe-call": "off",
        "@typescript-eslint/no-unsafe-argument": "off",
        "@typescript-eslint/no-non-null-assertion": "off",
        "@typescript-eslint/unbound-method": "off",
        "@typescript-eslint/no-empty-function": "off",
      },
    },
  );
}
