import { eslintConfig } from "@sunflare/eslint-config";

export default [
  ...eslintConfig(import.meta.dirname),
  {
    // `@slot` binds a method to its instance, so passing `this.move` to `connect` is safe.
    files: ["src/plugins/**/*.ts"],
    rules: { "@typescript-eslint/unbound-method": "off" },
  },
];
