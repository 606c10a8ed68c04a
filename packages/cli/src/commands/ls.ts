import { namedBusDirectory, namedBuses } from "@sunflare/virtual";

/** `sunflare ls`: the named buses alive on this machine (for this user). */
export function ls(options: { json?: boolean }): void {
  const buses = namedBuses();
  if (options.json === true) {
    console.log(JSON.stringify(buses, null, 2));
    return;
  }
  if (buses.length === 0) {
    console.error(`No named bus is running (in ${namedBusDirectory()}).`);
    return;
  }
  for (const bus of buses) {
    console.log(`${bus.name}\tpid ${bus.pid}\t${bus.address.publishAddress}\tsince ${bus.started}`);
  }
}
