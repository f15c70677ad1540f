// The console's one page and its script, embedded as strings so the binary (Bun or Deno) serves them with no
// network and no build step. Plain DOM, no library: the pages are lists and tables over the admin JSON API,
// and a hash route (#/repo/branch/prefix) keeps every view linkable without server-side routing.
export const CONSOLE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strata console</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a}header{background:#23395d;color:#fff;padding:.6rem 1rem}
header a{color:#fff;text-decoration:none;font-weight:600}main{padding:1rem;max-width:70rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;overflow-wrap:anywhere}
nav.crumbs a{margin-right:.3rem}pre{background:#f5f5f5;padding:.5rem;overflow:auto;max-height:30rem}
button,input{font:inherit;padding:.3rem .6rem}img.preview{max-width:100%}
@media (max-width:40rem){main{padding:.5rem}td,th{padding:.2rem}}
</style></head>
<body><header><a href="#/">Strata console</a></header><main id="view" tabindex="-1" aria-live="polite">Loading…</main>
<script type="module" src="./app.js"></script></body></html>`;

export const CONSOLE_JS = String.raw`
const view = document.getElementById("view");
const PREVIEW_CAP = 256 * 1024;
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
const enc = encodeURIComponent;
async function api(path) {
  const res = await fetch("/_strata/" + path, { credentials: "same-origin" });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ? body.error.code + ": " + body.error.message : res.statusText);
  return body;
}
const link = (parts, text) => '<a href="#/' + parts.map(enc).join("/") + '">' + esc(text) + "</a>";
const size = (n) => n === undefined ? "" : n < 1024 ? n + " B" : n < 1048576 ? (n / 1024).toFixed(1) + " KiB" : (n / 1048576).toFixed(1) + " MiB";

async function reposPage() {
  const { repos } = await api("repos");
  const rows = await Promise.all(repos.map(async (r) => {
    let last = "";
    try { const { commits } = await api("commits?repo=" + enc(r.name) + "&limit=1"); last = commits[0] ? commits[0].finished + " " + (commits[0].message ?? "") : ""; } catch {}
    return "<tr><td>" + esc(r.name) + "</td><td>" + r.branches.map((b) => link(["b", r.name, b, ""], b)).join(" ") + "</td><td>" + esc(last) + "</td></tr>";
  }));
  view.innerHTML = "<h1>Repos</h1><table><thead><tr><th>Repo</th><th>Branches</th><th>Last commit</th></tr></thead><tbody>" + rows.join("") + "</tbody></table>";
}

function crumbs(repo, branch, prefix) {
  const parts = prefix.split("/").filter(Boolean);
  let acc = "";
  const out = [link([], "repos"), link(["b", repo, branch, ""], branch + "." + repo)];
  for (const p of parts) { acc += p + "/"; out.push(link(["b", repo, branch, acc], p)); }
  return '<nav class="crumbs" aria-label="Path">' + out.join(" / ") + "</nav>";
}

async function branchPage(repo, branch, prefix, after) {
  const ref = branch + "." + repo;
  const page = await api("objects?ref=" + enc(ref) + "&delimiter=/&limit=100&prefix=" + enc(prefix) + (after ? "&after=" + enc(after) : ""));
  const rows = page.prefixes.map((p) => "<tr><td>" + link(["b", repo, branch, p], p.slice(prefix.length)) + "</td><td>folder</td><td></td></tr>")
    .concat(page.objects.map((o) => "<tr><td>" + link(["o", repo, branch, o.key], o.key.slice(prefix.length)) + "</td><td>" + size(o.size) + "</td><td>" + esc(o.modified) + "</td></tr>"));
  const more = page.truncated ? '<p><a href="#/b/' + [repo, branch, prefix].map(enc).join("/") + "?after=" + enc(page.next) + '">Next page</a></p>' : "";
  view.innerHTML = crumbs(repo, branch, prefix) + "<h1>" + esc(ref) + "</h1>" +
    '<form id="search"><label for="q">Search by prefix</label> <input id="q" value="' + esc(prefix) + '"> <button>Go</button></form>' +
    "<table><thead><tr><th>Name</th><th>Size</th><th>Modified</th></tr></thead><tbody>" + rows.join("") + "</tbody></table>" + more;
  document.getElementById("search").onsubmit = (e) => { e.preventDefault(); location.hash = "#/b/" + [repo, branch, document.getElementById("q").value].map(enc).join("/"); };
}

function csvTable(text) {
  const rows = text.split(/\r?\n/).filter((l) => l !== "").map((l) => l.split(","));
  const [head, ...body] = rows;
  return "<table><thead><tr>" + (head ?? []).map((h) => "<th>" + esc(h) + "</th>").join("") + "</tr></thead><tbody>" +
    body.map((r) => "<tr>" + r.map((c) => "<td>" + esc(c) + "</td>").join("") + "</tr>").join("") + "</tbody></table>";
}

async function objectPage(repo, branch, key) {
  const ref = branch + "." + repo;
  const dir = key.includes("/") ? key.slice(0, key.lastIndexOf("/") + 1) : "";
  const { objects } = await api("objects?ref=" + enc(ref) + "&prefix=" + enc(key) + "&limit=1");
  const o = objects.find((x) => x.key === key);
  if (!o) throw new Error("NoSuchKey: " + key);
  const url = "/" + enc(ref) + "/" + key.split("/").map(enc).join("/");
  let preview = "<p>No preview (larger than " + size(PREVIEW_CAP) + " or not text).</p>";
  if (/\.(png|jpe?g|gif|webp|svg)$/i.test(key)) preview = '<img class="preview" alt="' + esc(key) + '" src="' + url + '">';
  else if (o.size <= PREVIEW_CAP) {
    const text = await (await fetch(url)).text();
    if (/\.csv$/i.test(key)) preview = csvTable(text);
    else if (/\.json$/i.test(key)) { try { preview = "<pre>" + esc(JSON.stringify(JSON.parse(text), null, 2)) + "</pre>"; } catch { preview = "<pre>" + esc(text) + "</pre>"; } }
    else if (!/[\u0000-\u0008]/.test(text)) preview = "<pre>" + esc(text) + "</pre>";
  }
  view.innerHTML = crumbs(repo, branch, dir) + "<h1>" + esc(key) + "</h1><dl><dt>Size</dt><dd>" + size(o.size) + "</dd><dt>ETag</dt><dd>" + esc(o.etag) +
    "</dd><dt>Commit</dt><dd>" + esc(o.commit) + "</dd><dt>Modified</dt><dd>" + esc(o.modified) + '</dd></dl><p><a download href="' + url + '">Download</a></p><h2>Preview</h2><section aria-label="Preview">' + preview + "</section>";
}

async function route() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const parts = path.split("/").map(decodeURIComponent);
  const after = new URLSearchParams(query ?? "").get("after");
  try {
    if (parts[0] === "b") await branchPage(parts[1], parts[2], parts.slice(3).join("/"), after);
    else if (parts[0] === "o") await objectPage(parts[1], parts[2], parts.slice(3).join("/"));
    else await reposPage();
  } catch (e) { view.innerHTML = '<p role="alert">' + esc(e.message) + "</p>"; }
}
addEventListener("hashchange", route);
route();
`;
