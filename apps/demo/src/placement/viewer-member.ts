/**
 * The viewer as a placed module: `inWorker` or `inProcess` runs it in a worker
 * thread or a child process, where it joins the bus and builds the viewer
 * from the options the session sends.
 */
import type { PluginFactory, VirtualBus } from "@sunflare/virtual";
import { Viewer, type ViewerOptions } from "../plugins/viewer.js";

const viewerMember: PluginFactory<VirtualBus> = (bus, data) =>
  new Viewer(bus, data as ViewerOptions);

export default viewerMember;
