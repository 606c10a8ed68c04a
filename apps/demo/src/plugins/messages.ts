/**
 * What the plugins of this session publish on the data bus: the camera's
 * frames and status, and the controller's scan progress. A plugin that
 * consumes them needs these shapes, not the plugins that publish them.
 *
 * @module
 */

/** Frames: one {@link FrameMessage} per frame. */
export const FRAMES_TOPIC = "camera/frames";
/** Camera status: a {@link CameraStatus} when an acquisition starts and when it stops. */
export const CAMERA_STATUS_TOPIC = "camera/status";
/** Scan progress: a {@link ScanProgress} per tile, then a {@link ScanDone}. */
export const SCAN_PROGRESS_TOPIC = "scan/progress";
/** Sent once, when the whole scan has been acquired. */
export const SCAN_DONE_TOPIC = "scan/done";

/** A camera frame, as published. On receipt `frame` is in wire form: apply `asNDArray`. */
export interface FrameMessage {
  /** 0, 1, 2, … over the whole session: a gap is a lost frame. */
  seq: number;
  /** When the frame was published, in milliseconds since the epoch (sub-millisecond). */
  timestamp: number;
  exposureMs: number;
  /** Stage position when the frame was taken, micrometres. */
  position: [x: number, y: number];
  /** An `NDArray` (`uint16`, shape `[height, width]`) when sent; its wire form on receipt. */
  frame: unknown;
}

/**
 * Published on the same socket as the frames, so it arrives after every
 * frame sent before it: a receiver that sees `acquiring: false` has
 * everything it will ever get of that acquisition.
 */
export interface CameraStatus {
  acquiring: boolean;
  /** Frames published so far in the session (the next `seq`). */
  sent: number;
}

/** The scan reaching one tile. */
export interface ScanProgress {
  /** 1-based tile number, and tiles in the scan. */
  tile: number;
  tiles: number;
  /** Stage position of the tile, micrometres. */
  position: [x: number, y: number];
  /** Frames the whole scan will acquire. */
  frames: number;
}

/** The scan is over: the camera published `frames` frames in all. */
export interface ScanDone {
  frames: number;
}

/** Milliseconds since the epoch with sub-millisecond resolution, comparable across threads and processes. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}
