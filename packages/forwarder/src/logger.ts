// One Logger for the whole bus: the catalogue's, in @sunflare/wire.
export type { Logger } from "@sunflare/wire";
export { defaultLogger } from "@sunflare/wire";
