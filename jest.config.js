/** One Jest run over every package, so the suite reports one total. */
/** @type {import("jest").Config} */
export default {
  projects: ["<rootDir>/packages/*", "<rootDir>/apps/*", "<rootDir>/examples"],
  maxWorkers: 2,
  // A global option: Jest ignores a per-project testTimeout in a multi-project run.
  testTimeout: 30_000,
};
