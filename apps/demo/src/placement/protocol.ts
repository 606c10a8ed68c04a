import type { ViewerOptions, ViewerReport } from "../plugins/viewer.js";

/** What a remote viewer is started with. */
export interface RemoteViewerData {
  /** Where the bus's forwarder is. */
  addresses: { publishAddress: string; subscribeAddress: string };
  options: ViewerOptions;
}

/** Messages from a remote viewer to the session. */
export type FromViewer =
  { type: "ready" } | { type: "report"; report: ViewerReport } | { type: "error"; message: string };

/** Messages from the session to a remote viewer. */
export interface ToViewer {
  type: "stop";
}
