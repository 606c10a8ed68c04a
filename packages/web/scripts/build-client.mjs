// Builds dist/sunflare-web.js, the self-contained client module the gateway serves (run by `pnpm build` after tsc).
import { writeClientBundle } from "../dist/gateway/client-bundle.js";

await writeClientBundle();
