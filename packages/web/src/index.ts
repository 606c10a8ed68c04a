// Node side of @sunflare/web: the gateway. The browser side is "@sunflare/web/client".
export { serveWeb } from "./gateway/serve.js";
export { SOCKET_PATH } from "./wire/topics.js";
export type { WebGateway, WebOptions } from "./gateway/serve.js";
export type { GatewayBus } from "./gateway/bus.js";
export { CloseCode } from "./wire/close-codes.js";
export type { CloseCodeValue } from "./wire/close-codes.js";
