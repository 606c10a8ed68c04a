import { eslintConfig } from "@sunflare/eslint-config";

export default eslintConfig(import.meta.dirname);
