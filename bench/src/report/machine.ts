import os from "node:os";

import * as zmq from "zeromq";

/** The machine and runtime a run was measured on. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  readonly libzmq: string;
  /** 1-minute load average when the run ended: other work on the machine skews figures. */
  readonly loadAverage: number;
}

/** Describes this machine (CPU model from `os.cpus()`). */
export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    libzmq: zmq.version,
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}
