// The console's browsing pages: repos, one repo (its branches, open commits), a ref as a folder browser (one
// page of 100 keys at a time, by delimiter and continuation, so 100k keys never load at once), and an object
// (description, versions, download, preview with a size cap).
export const BROWSE_JS = String.raw`
const PAGE_KEYS = 100;
const PREVIEW_CAP = 256 * 1024;

async function reposPage() {
  const [{ repos }, stats] = await Promise.all([api("repos"), api("console/stats").catch(() => undefined)]);
  const rows = repos.map((r) => {
    const c = r.lastCommit;
    const last = c ? link(["commit", r.name, c.id], short(c.id)) + " on " + esc(c.branch) + " " + when(c.finished) + " " + esc(c.message ?? "") + (c.author ? " (" + esc(c.author) + ")" : "") : "no commits";
    return tr([link(["repo", r.name], r.name), bytes(r.logicalBytes), r.branches.map((b) => link(["tree", b + "." + r.name, ""], b)).join(" "), last]);
  });
  // Stored bytes are the store's as a whole: chunks are shared across repos, so no repo has a stored size of its own.
  const s = stats?.samples.at(-1);
  const store = s ? '<p id="store">Store: ' + bytes(s.storedBytes) + " stored for " + bytes(s.logicalBytes) + " written (dedup " + dedupRatio(s) + ")</p>" : "";
  view.innerHTML = "<h1>Repos</h1>" + store + table(["Repo", "Size (logical)", "Branches", "Last commit"], rows, "Repos");
}

async function repoPage(repo) {
  const { branches } = await api("branches?repo=" + enc(repo));
  const rows = branches.map((b) => tr([
    link(["tree", b.ref, ""], b.branch),
    b.head ? link(["commit", repo, b.head], short(b.head)) : "no commits",
    b.open ? "open " + esc(short(b.open)) : "",
    can("owner", repo) ? '<button data-delete-branch="' + esc(b.ref) + '" data-head="' + esc(b.head ?? "") + '">Delete branch</button>' : "",
  ]));
  const create = can("owner", repo)
    ? '<form id="new-branch" class="row"><label for="bn">New branch</label> <input id="bn" required pattern="[a-z0-9][a-z0-9-]*"> <label for="bf">from</label> <select id="bf">' +
      branches.map((b) => '<option value="' + esc(b.branch) + '">' + esc(b.branch) + "</option>").join("") + "</select> <button>Create branch</button></form>"
    : "";
  view.innerHTML = '<nav class="crumbs" aria-label="Path">' + link([], "repos") + " / " + esc(repo) + "</nav><h1>" + esc(repo) + "</h1>" +
    '<p class="row">' + [link(["log", repo], "Commit log"), link(["compare", repo], "Compare"), link(["merge", repo], "Merge"), link(["tags", repo], "Tags")].join(" · ") + "</p>" +
    "<h2>Branches</h2>" + table(["Branch", "Head", "Open commit", ""], rows) + create;
  const form = document.getElementById("new-branch");
  if (form) form.onsubmit = (e) => {
    e.preventDefault();
    const name = document.getElementById("bn").value;
    act("Create branch " + name, () => post("branches", { ref: name + "." + repo, from: document.getElementById("bf").value }));
  };
  for (const b of view.querySelectorAll("[data-delete-branch]")) b.onclick = async () => {
    const ref = b.dataset.deleteBranch, head = b.dataset.head;
    const ok = await confirmDialog("Delete branch " + ref + "?", head ? "The name " + ref + " goes; its commits (head " + short(head) + ") stay in the repo and can be branched from again." : "The branch has no commits.", "Delete branch");
    if (ok) act("Delete branch " + ref, () => api("branches/" + enc(ref) + "?force=true", { method: "DELETE" }));
  };
}

async function treePage(ref, prefix, after) {
  const repo = ref.split(".").at(-1);
  const [page, branch] = await Promise.all([api("objects?" + new URLSearchParams({ ref, delimiter: "/", limit: String(PAGE_KEYS), prefix, ...(after ? { after } : {}) })), isBranch(ref)]);
  const mayWrite = branch && can("writer", repo);
  const rows = page.prefixes.map((p) => tr([link(["tree", ref, p], p.slice(prefix.length)), "folder", "", ""]))
    .concat(page.objects.map((o) => tr([link(["object", ref, o.key], o.key.slice(prefix.length)), size(o.size), when(o.modified),
      mayWrite ? '<button data-delete-key="' + esc(o.key) + '" aria-label="Delete ' + esc(o.key) + '">Delete</button>' : ""])));
  const pager = '<p class="row">' + (after ? '<a href="#" id="back">Previous page</a> ' : "") +
    (page.truncated ? link(["tree", ref, prefix], "Next page", { after: page.next }) : "") + "</p>";
  view.innerHTML = crumbs(ref, prefix) + "<h1>" + esc(ref) + (prefix ? " / " + esc(prefix) : "") + "</h1>" +
    '<form id="search" class="row" role="search"><label for="q">Search by prefix</label> <input id="q" value="' + esc(prefix) + '"> <button>Go</button></form>' +
    table(["Name", "Size", "Modified", ""], rows) + pager + (mayWrite ? uploadForm(prefix) : "");
  document.getElementById("search").onsubmit = (e) => { e.preventDefault(); location.hash = href(["tree", ref, document.getElementById("q").value]); };
  const back = document.getElementById("back");
  if (back) back.onclick = (e) => { e.preventDefault(); history.back(); };
  for (const b of view.querySelectorAll("[data-delete-key]")) b.onclick = async () => {
    const key = b.dataset.deleteKey;
    if (await confirmDialog("Delete " + key + "?", "A delete marker hides " + key + " on " + ref + " from now on; its earlier versions stay in history.", "Delete"))
      act("Delete " + key, () => api("object?" + new URLSearchParams({ ref, key }), { method: "DELETE" }));
  };
  if (mayWrite) wireUpload(ref, prefix);
}

function csvRows(text) {
  // RFC 4180: quoted fields may hold commas, quotes ("") and line breaks.
  const rows = []; let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) { if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c; }
    else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") { if (c === "\r" && text[i + 1] === "\n") i++; row.push(field); rows.push(row); row = []; field = ""; }
    else field += c;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function csvTable(text) {
  const [head, ...body] = csvRows(text);
  return '<div class="scroll"><table class="csv"><thead><tr>' + (head ?? []).map((h) => '<th scope="col">' + esc(h) + "</th>").join("") + "</tr></thead><tbody>" +
    body.map((r) => "<tr>" + r.map((c) => "<td>" + esc(c) + "</td>").join("") + "</tr>").join("") + "</tbody></table></div>";
}

async function preview(ref, key, o, version) {
  const url = contentUrl(ref, key, version ? { version } : {});
  if (/\.(png|jpe?g|gif|webp|svg)$/i.test(key) || /^image\//.test(o.contentType ?? "")) return '<img class="preview" alt="Preview of ' + esc(key) + '" src="' + esc(url) + '">';
  if (o.size > PREVIEW_CAP) return "<p>No preview: larger than " + size(PREVIEW_CAP) + ".</p>";
  const text = await (await fetch(url, { credentials: "same-origin" })).text();
  if (/[\u0000-\u0008\uFFFD]/.test(text)) return "<p>No preview: not text.</p>";
  if (/\.csv$/i.test(key) || o.contentType === "text/csv") return csvTable(text);
  if (/\.json$/i.test(key) || o.contentType === "application/json") { try { return "<pre>" + esc(JSON.stringify(JSON.parse(text), null, 2)) + "</pre>"; } catch {} }
  return "<pre>" + esc(text) + "</pre>";
}

async function objectPage(ref, key, version) {
  const repo = ref.split(".").at(-1);
  const dir = key.includes("/") ? key.slice(0, key.lastIndexOf("/") + 1) : "";
  const q = new URLSearchParams({ ref, key, ...(version ? { version } : {}) });
  const [o, { versions, truncated }, branch] = await Promise.all([api("object?" + q), api("object/versions?" + new URLSearchParams({ ref, key })), isBranch(ref)]);
  const mayPurge = branch && can("owner", repo);
  const vrows = versions.map((v) => tr([
    link(["object", ref, key], short(v.version), { version: v.version }) + (v.latest ? " (latest)" : ""),
    v.deleteMarker ? "delete marker" : size(v.size), when(v.modified), link(["commit", repo, v.commit], short(v.commit)),
    mayPurge ? '<button class="danger" data-purge="' + esc(v.version) + '" data-what="' + esc((v.deleteMarker ? "a delete marker" : size(v.size)) + ", written by commit " + short(v.commit)) +
      '" aria-label="Purge version ' + esc(short(v.version)) + '">Purge</button>' : "",
  ]));
  const meta = Object.entries(o.meta ?? {}).map(([k, v]) => "<dt>x-amz-meta-" + esc(k) + "</dt><dd>" + esc(v) + "</dd>").join("");
  view.innerHTML = crumbs(ref, dir) + "<h1>" + esc(key) + "</h1>" +
    (o.deleteMarker ? "<p>This version is a delete marker.</p>" :
      "<dl><dt>Size</dt><dd>" + size(o.size) + "</dd><dt>ETag</dt><dd><code>" + esc(o.etag) + "</code></dd><dt>Content type</dt><dd>" + esc(o.contentType ?? "none (S3 serves it as binary/octet-stream)") +
      "</dd><dt>Version</dt><dd><code>" + esc(o.version) + "</code></dd><dt>Commit</dt><dd>" + link(["commit", repo, o.commit], short(o.commit)) +
      "</dd><dt>Modified</dt><dd>" + when(o.modified) + "</dd>" + meta + "</dl>" +
      '<p><a download href="' + esc(contentUrl(ref, key, { download: "1", ...(version ? { version } : {}) })) + '">Download</a></p>' +
      '<h2>Preview</h2><section aria-label="Preview" id="preview">Loading…</section>') +
    "<h2>Versions</h2>" + table(["Version", "Size", "Modified", "Commit", ""], vrows, "Versions") + (truncated ? "<p>Older versions not shown.</p>" : "");
  for (const b of view.querySelectorAll("[data-purge]")) b.onclick = async () => {
    const v = b.dataset.purge;
    const ok = await confirmDialog("Purge version " + v + " of " + key + "?",
      "Version " + v + " of " + key + " in repo " + repo + " (" + b.dataset.what + ") will be gone forever: from every commit, every branch and every tag; the next gc frees its bytes unless another version shares them. This cannot be undone.", "Purge forever");
    if (ok) act("Purge " + key + " version " + short(v), () => api("object?" + new URLSearchParams({ ref, key, version: v }), { method: "DELETE" }));
  };
  if (!o.deleteMarker) document.getElementById("preview").innerHTML = await preview(ref, key, o, version);
}
`;
