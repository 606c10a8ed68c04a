// Runs before each test file (see jest.config.js).
jest.setTimeout(30_000);
