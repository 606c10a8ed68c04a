/**
 * The page a gateway without `root` serves at `/`: it joins the bus and
 * lists its members and topics' owners, to check a gateway from a browser.
 *
 * @internal
 */
export const defaultPage = `<!doctype html>
<meta charset="utf-8">
<title>Sunflare gateway</title>
<h1>Sunflare gateway</h1>
<p id="state">connecting…</p>
<pre id="members"></pre>
<script type="module">
  import { connectWeb } from "/sunflare-web.js";
  const state = document.getElementById("state");
  try {
    const bus = await connectWeb(location.href);
    state.textContent = "connected";
    const show = () => (document.getElementById("members").textContent =
      JSON.stringify(typeof bus.members === "function" ? bus.members() : [], null, 2));
    show();
    setInterval(show, 1000);
    bus.closed.then(({ code, reason }) => (state.textContent = \`closed: \${code} \${reason}\`));
  } catch (error) {
    state.textContent = String(error);
  }
</script>
`;
