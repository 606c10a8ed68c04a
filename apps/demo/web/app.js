// The demo's live view: a plain ES module, no build step. It joins the bus through the gateway
// that served it, draws the camera's 16-bit frames with auto-contrast and shows the statistics.
// Its Start and Stop are its own signals; the camera's exposure and the stage's position are the
// plugins' properties, which it shows from the moment it loads and (the exposure) sets.
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

// The page's Start and Stop are signals on the bus, like any plugin's.
const view = {
  sigStart: new Signal(),
  sigStop: new Signal(),
};
bus.registerSignals(view, { name: "LiveView" });

// The camera's exposure and the stage's position are properties: the page knows their current
// values the moment it sees their owners (shown at once), and hears every change.
await Promise.all(["Camera", "Stage"].map(known));
const { exposure } = bus.properties("Camera");
const { position } = bus.properties("Stage");
const showExposure = (ms) => {
  $("camera-exposure").textContent = `${ms} ms`;
  if (document.activeElement !== $("exposure")) $("exposure").value = String(ms);
};
const showPosition = ([x, y]) => {
  $("position").textContent = `${x.toFixed(0)}, ${y.toFixed(0)} µm`;
};
showExposure(exposure.value);
exposure.changed.connect(showExposure);
showPosition(position.value);
position.changed.connect(showPosition);

$("start").onclick = () => view.sigStart.emit();
$("stop").onclick = () => {
  view.sigStop.emit();
  $("state").textContent = "stopped";
};
// The camera decides: `set` resolves with the exposure it accepted, or rejects with why not.
$("exposure").onchange = async (event) => {
  $("exposure-error").textContent = "";
  try {
    showExposure(await exposure.set(Number(event.target.value)));
  } catch (error) {
    // A CallError: `remote` is what the camera's validate threw.
    $("exposure-error").textContent = error.remote?.message ?? error.message;
    $("exposure").value = String(exposure.value);
  }
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

/**
 * Resolves once `name` is on the bus, its properties' values with it. (`connectWeb` resolves
 * when the host has answered; an owner with properties shows up a moment later, with its values.)
 */
function known(name) {
  if (bus.has(name)) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (registered) => {
      if (registered !== name) return;
      bus.registry.off("registered", check);
      resolve();
    };
    bus.registry.on("registered", check);
  });
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
