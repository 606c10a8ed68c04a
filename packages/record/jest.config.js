import { jestConfig } from "@sunflare/jest-config";

export default jestConfig("record");
