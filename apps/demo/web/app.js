// The demo's live view: a plain ES module, no build step. It joins the bus through the gateway
// that served it, draws the camera's 16-bit frames with auto-contrast, shows the stage and the
// statistics, and drives the acquisition with its own signals.
import { asNDArray, connectWeb, Signal } from "/sunflare-web.js";

const $ = (id) => document.getElementById(id);
const canvas = $("frame");
const context = canvas.getContext("2d");
/** What the page has seen, for people and for the smoke test. */
const stats = (window.demoStats = { frames: 0, lost: 0, fps: 0, latencyMs: NaN, lastSeq: -1 });

const bus = await connectWeb(location.href);
$("state").textContent = "connected";
bus.closed.then(
  ({ code, reason }) => ($("state").textContent = `disconnected (${code} ${reason})`),
);

// The page's controls are signals on the bus, like any plugin's.
const view = {
  sigStart: new Signal(),
  sigStop: new Signal(),
  sigExposure: new Signal(),
};
bus.registerSignals(view, { name: "LiveView" });
bus.connect("Stage", "sigPositionChanged", (x, y) => {
  $("position").textContent = `${x.toFixed(0)}, ${y.toFixed(0)} µm`;
});
bus.connect("Camera", "sigExposureChanged", (ms) => {
  $("camera-exposure").textContent = `${ms} ms`;
});

$("start").onclick = () => view.sigStart.emit();
$("stop").onclick = () => {
  view.sigStop.emit();
  $("state").textContent = "stopped";
};
$("exposure").onchange = (event) => {
  const ms = Number(event.target.value);
  if (ms > 0) view.sigExposure.emit(ms);
};
for (const id of ["start", "stop", "exposure"]) $(id).disabled = false;

const frames = bus.connectSubscriber("camera/frames");
await frames.ready();
document.body.dataset.ready = "true";

let image;
const arrivals = [];
for await (const message of frames) {
  const { seq, timestamp, frame } = message.value;
  const { data, shape } = asNDArray(frame);
  const [height, width] = shape;
  const now = performance.timeOrigin + performance.now();
  draw(data, width, height);
  if (stats.lastSeq >= 0 && seq > stats.lastSeq + 1) stats.lost += seq - stats.lastSeq - 1;
  stats.lastSeq = seq;
  stats.frames++;
  stats.latencyMs = now - timestamp;
  arrivals.push(now);
  while (arrivals[0] < now - 1000) arrivals.shift();
  stats.fps = arrivals.length;
  $("frames").textContent = String(stats.frames);
  $("fps").textContent = stats.fps.toFixed(0);
  $("latency").textContent = `${stats.latencyMs.toFixed(1)} ms`;
  $("lost").textContent = String(stats.lost);
}

/** Draws 16-bit counts as grey levels stretched between their 0.5% and 99.9% quantiles. */
function draw(data, width, height) {
  if (canvas.width !== width || canvas.height !== height || !image) {
    canvas.width = width;
    canvas.height = height;
    image = context.createImageData(width, height);
  }
  const [lo, hi] = contrastRange(data);
  const scale = 1 / (hi - lo);
  const pixels = image.data;
  for (let i = 0, p = 0; i < data.length; i++, p += 4) {
    // Square-root stretch, as the terminal preview: dim beads stay visible beside bright ones.
    const level = Math.sqrt(Math.min(1, Math.max(0, (data[i] - lo) * scale))) * 255;
    pixels[p] = pixels[p + 1] = pixels[p + 2] = level;
    pixels[p + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

/** The 0.5% and 99.9% quantiles of 16-bit counts, from a histogram (one pass, no sort). */
function contrastRange(data) {
  const histogram = new Uint32Array(65536);
  for (let i = 0; i < data.length; i++) histogram[data[i]]++;
  const quantile = (q) => {
    const target = q * (data.length - 1);
    let seen = 0;
    for (let value = 0; value < histogram.length; value++) {
      seen += histogram[value];
      if (seen > target) return value;
    }
    return 65535;
  };
  const lo = quantile(0.005);
  return [lo, Math.max(quantile(0.999), lo + 1)];
}
