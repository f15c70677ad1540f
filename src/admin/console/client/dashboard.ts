// The console's dashboard: the server's last hour per minute (requests/s, error rate, bytes in and out, store
// size, bytes written vs stored) as small inline SVG line charts, each with a text summary for screen readers.
// "Written", as on the repos page: "logical" there is a repo's size (what its branches show), a smaller number.
export const DASHBOARD_JS = String.raw`
function lineChart(title, series, format) {
  const W = 300, H = 90, n = series[0].values.length;
  const max = Math.max(1e-9, ...series.flatMap((s) => s.values));
  const paths = series.map((s) => '<polyline fill="none" stroke="' + s.color + '" stroke-width="2" points="' +
    s.values.map((v, i) => (i * W / Math.max(1, n - 1)).toFixed(1) + "," + (H - v / max * (H - 4) - 2).toFixed(1)).join(" ") + '"/>');
  const now = series.map((s) => esc(s.name) + " " + format(s.values.at(-1) ?? 0)).join(", ");
  return '<figure class="chart"><figcaption>' + esc(title) + ': <strong>' + now + "</strong></figcaption>" +
    '<svg viewBox="0 0 ' + W + " " + H + '" role="img" aria-label="' + esc(title + " over the last hour, peak " + format(max)) + '">' +
    '<rect width="' + W + '" height="' + H + '" fill="#f7f8fa"/>' + paths.join("") + "</svg>" +
    '<p class="muted">peak ' + format(max) + " · last 60 minutes</p></figure>";
}

async function dashboardPage() {
  const { samples } = await api("console/stats");
  const col = (f) => samples.map(f);
  const rate = (n) => n.toFixed(n < 10 ? 2 : 0) + "/s";
  const pct = (n) => n.toFixed(1) + "%";
  const bps = (n) => size(Math.round(n)) + "/s";
  const last = samples.at(-1);
  view.innerHTML = "<h1>Dashboard</h1><p>Dedup ratio (written ÷ stored): <strong id=\"dedup\">" + dedupRatio(last) + "</strong></p><div class=\"charts\">" +
    lineChart("Requests", [{ name: "", color: "#23395d", values: col((s) => s.requests / 60) }], rate) +
    lineChart("Error rate (5xx)", [{ name: "", color: "#b02a2a", values: col((s) => s.requests ? 100 * s.errors / s.requests : 0) }], pct) +
    lineChart("Bytes", [{ name: "in", color: "#2a7f62", values: col((s) => s.bytesIn / 60) }, { name: "out", color: "#b5562a", values: col((s) => s.bytesOut / 60) }], bps) +
    lineChart("Store size", [{ name: "", color: "#7a3fa0", values: col((s) => s.storedBytes) }], size) +
    lineChart("Written vs stored", [{ name: "written", color: "#a0892a", values: col((s) => s.logicalBytes) }, { name: "stored", color: "#7a3fa0", values: col((s) => s.storedBytes) }], size) +
    "</div>";
}
`;
