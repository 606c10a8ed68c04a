import type { SignalRegistry } from "@sunflare/signal";
import { slot } from "@sunflare/slot";
import type { ViewerReport } from "./viewer.js";

/** The viewer reported a failure through `sigFailed`. */
export class ViewerFailed extends Error {
  constructor(message: string) {
    super(`the viewer failed: ${message}`);
  }
}

/**
 * The session's ear for the viewer, wherever that runs: connects to
 * `Viewer.sigFinished` and `Viewer.sigFailed` by name and turns the first
 * emission into {@link ReportListener.report}.
 */
export class ReportListener {
  /** Resolves with the viewer's report; rejects with its failure. */
  readonly report: Promise<ViewerReport>;
  private settle!: { resolve(report: ViewerReport): void; reject(error: ViewerFailed): void };

  constructor(private readonly bus: Pick<SignalRegistry, "connect">) {
    this.report = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Whoever awaits `report` sees the failure; this only keeps it from being "unhandled".
    this.report.catch(() => undefined);
  }

  connectionPhase(): void {
    this.bus.connect("Viewer", "sigFinished", this.onFinished);
    this.bus.connect("Viewer", "sigFailed", this.onFailed);
  }

  @slot
  onFinished(report: ViewerReport): void {
    this.settle.resolve(report);
  }

  @slot
  onFailed(message: string): void {
    this.settle.reject(new ViewerFailed(message));
  }
}
