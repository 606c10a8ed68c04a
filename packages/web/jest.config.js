import { jestConfig } from "@sunflare/jest-config";

// testTimeout is a global option: the root multi-project run ignores the
// preset's value, so it is set per test file here (a safety net for loaded
// machines, never a wait).
export default { ...jestConfig("web"), setupFilesAfterEnv: ["<rootDir>/test/setup.ts"] };
