// The console's history pages: the commit log drawn as a graph (one lane per line of descent, merges joining
// lanes), one commit (who, when, why, which keys changed), and comparing two refs with a side-by-side diff of
// small text files.
export const HISTORY_JS = String.raw`
const ROW = 34, LANE = 16, DIFF_CAP = 64 * 1024;
const parentsOf = (c) => c.parents ?? (c.parent ? [c.parent] : []);

/** Lanes for commits listed newest first: each commit's column, and the lane each edge to a parent runs in. */
function layoutGraph(commits) {
  const lanes = [], placed = new Map(), edges = [];
  commits.forEach((c, row) => {
    let col = lanes.indexOf(c.id);
    if (col < 0) { col = lanes.indexOf(null); if (col < 0) col = lanes.push(null) - 1; }
    for (let i = 0; i < lanes.length; i++) if (lanes[i] === c.id) lanes[i] = null; // children's lanes end here
    placed.set(c.id, { row, col });
    parentsOf(c).forEach((p, i) => {
      let lane = lanes.indexOf(p);
      if (lane < 0) { lane = i === 0 && lanes[col] === null ? col : lanes.indexOf(null); if (lane < 0) lane = lanes.push(null) - 1; lanes[lane] = p; }
      edges.push({ from: c.id, to: p, lane });
    });
  });
  return { placed, edges, width: Math.max(1, lanes.length) };
}

function graphSvg(commits) {
  const { placed, edges, width } = layoutGraph(commits);
  const x = (col) => LANE / 2 + col * LANE, y = (row) => ROW / 2 + row * ROW;
  const colors = ["#23395d", "#b5562a", "#2a7f62", "#7a3fa0", "#a0892a"];
  const lines = edges.map((e) => {
    const a = placed.get(e.from), b = placed.get(e.to);
    const y2 = b ? y(b.row) : y(commits.length);
    const d = "M" + x(a.col) + " " + y(a.row) + " L" + x(e.lane) + " " + Math.min(y(a.row) + ROW / 2, y2) + " L" + x(e.lane) + " " + (b ? y2 - ROW / 2 : y2) + (b ? " L" + x(b.col) + " " + y2 : "");
    return '<path d="' + d + '" stroke="' + colors[e.lane % colors.length] + '" fill="none" stroke-width="2"/>';
  });
  const dots = commits.map((c) => { const p = placed.get(c.id); return '<circle cx="' + x(p.col) + '" cy="' + y(p.row) + '" r="' + (parentsOf(c).length > 1 ? 6 : 4.5) + '" fill="' + colors[p.col % colors.length] + '"/>'; });
  return '<svg class="graph" aria-hidden="true" width="' + width * LANE + '" height="' + commits.length * ROW + '">' + lines.join("") + dots.join("") + "</svg>";
}

async function logPage(repo) {
  const [{ commits, truncated }, { branches }] = await Promise.all([api("commits?repo=" + enc(repo) + "&limit=500"), api("branches?repo=" + enc(repo))]);
  const heads = new Map();
  for (const b of branches) if (b.head) heads.set(b.head, [...(heads.get(b.head) ?? []), b.branch]);
  const tags = await tagsByCommit(repo);
  const items = commits.map((c) => '<li style="height:' + ROW + 'px">' + link(["commit", repo, c.id], short(c.id)) + " " +
    (heads.get(c.id) ?? []).map((b) => '<span class="badge">' + esc(b) + "</span>").join("") +
    tagBadges(tags.get(c.id)) + " " +
    esc(c.message ?? "") + ' <span class="muted">' + esc(c.author ?? "") + " " + when(c.finished) + (parentsOf(c).length > 1 ? " · merge" : "") + "</span></li>");
  view.innerHTML = repoCrumbs(repo) + "<h1>Commit log of " + esc(repo) + "</h1>" +
    '<div class="log">' + graphSvg(commits) + '<ol class="commits">' + items.join("") + "</ol></div>" + (truncated ? "<p>Older commits not shown.</p>" : "");
}

function changesTable(repo, from, to, changes) {
  return table(["Change", "Key", "Size before", "Size after", ""], changes.map((d, i) => tr([
    '<span class="change ' + d.change + '">' + d.change + "</span>",
    link(["object", d.change === "deleted" ? from : to, d.key], d.key),
    size(d.before?.size), size(d.after?.size),
    d.change === "modified" && d.before.size <= DIFF_CAP && d.after.size <= DIFF_CAP ? '<button data-diff="' + i + '">Show diff</button>' : "",
  ])));
}

function wireDiffs(from, to, changes) {
  for (const b of view.querySelectorAll("[data-diff]")) b.onclick = async () => {
    const d = changes[Number(b.dataset.diff)];
    const [before, after] = await Promise.all([from, to].map(async (ref) => (await fetch(contentUrl(ref, d.key), { credentials: "same-origin" })).text()));
    const box = document.createElement("tr");
    box.innerHTML = '<td colspan="5">' + sideBySide(before, after, d.key) + "</td>";
    b.closest("tr").after(box);
    b.remove();
  };
}

/** Lines of two texts aligned by their longest common subsequence (texts are capped, so the table stays small). */
function lineDiff(a, b) {
  const x = a.split("\n"), y = b.split("\n"), n = x.length, m = y.length;
  const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const out = []; let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) out.push(["same", x[i++], y[j++]]);
    else if (j < m && (i === n || L[i][j + 1] >= L[i + 1][j])) out.push(["add", "", y[j++]]);
    else out.push(["del", x[i++], ""]);
  }
  return out;
}

function sideBySide(before, after, key, heads = ["Before", "After"]) {
  if (before.split("\n").length * after.split("\n").length > 4e6) return "<p>Too many lines to compare here.</p>";
  const rows = lineDiff(before, after).map(([kind, l, r]) => '<tr class="' + kind + '"><td><pre>' + esc(l) + "</pre></td><td><pre>" + esc(r) + "</pre></td></tr>");
  return '<table class="diff" aria-label="Diff of ' + esc(key) + '"><thead><tr><th scope="col">' + esc(heads[0]) + '</th><th scope="col">' + esc(heads[1]) + "</th></tr></thead><tbody>" + rows.join("") + "</tbody></table>";
}

async function commitPage(repo, id) {
  const ref = id + "." + repo;
  const c = await api("commits/" + enc(ref));
  const parents = parentsOf(c);
  const diff = parents.length
    ? await api("diff?" + new URLSearchParams({ from: parents[0] + "." + repo, to: ref, limit: "1000" }))
    : { changes: (await api("objects?" + new URLSearchParams({ ref, limit: "1000" }))).objects.map((o) => ({ key: o.key, change: "added", after: o })), truncated: false };
  const tags = (await tagsByCommit(repo)).get(c.id);
  view.innerHTML = repoCrumbs(repo, link(["log", repo], "log")) +
    "<h1>Commit " + esc(short(c.id)) + "</h1><dl>" + (tags ? "<dt>Tags</dt><dd>" + tagBadges(tags) + "</dd>" : "") + "<dt>Message</dt><dd>" + esc(c.message ?? "") + "</dd><dt>Author</dt><dd>" + esc(c.author ?? "") +
    "</dd><dt>Branch</dt><dd>" + esc(c.branch) + "</dd><dt>Id</dt><dd><code>" + esc(c.id) + "</code></dd><dt>Parents</dt><dd>" + (parents.map((p) => link(["commit", repo, p], short(p))).join(", ") || "none") +
    "</dd><dt>Started</dt><dd>" + when(c.started) + "</dd><dt>Finished</dt><dd>" + when(c.finished) + "</dd><dt>Objects</dt><dd>" + esc(c.objects) + "</dd>" +
    (c.purged ? "<dt>Purged versions</dt><dd>" + esc(c.purged) + "</dd>" : "") + "</dl>" +
    '<p>' + link(["tree", ref, ""], "Browse this commit") + "</p>" + (can("writer", repo) ? '<details><summary>Revert or tag this commit</summary>' + revertForm(c) + tagForm(c.id) + "</details>" : "") +
    "<h2>Changed keys</h2>" + changesTable(repo, parents[0] + "." + repo, ref, diff.changes) + (diff.truncated ? "<p>More changes not shown.</p>" : "");
  wireDiffs(parents[0] + "." + repo, ref, diff.changes);
  wireRevert(repo, c);
  wireTagForm(repo);
}

async function comparePage(repo, from, to) {
  const { branches } = await api("branches?repo=" + enc(repo));
  let result = "";
  let changes = [];
  if (from && to) {
    const diff = await api("diff?" + new URLSearchParams({ from, to, limit: "5000" }));
    changes = diff.changes;
    const count = (k) => changes.filter((d) => d.change === k).length;
    result = '<h2>' + esc(from) + " → " + esc(to) + '</h2><p id="summary">' + count("added") + " added, " + count("modified") + " changed, " + count("deleted") + " deleted</p>" +
      changesTable(repo, from, to, changes) + (diff.truncated ? "<p>More changes not shown.</p>" : "");
  }
  // Comparing into a branch: what a merge of from would bring, so offer one (planned first on the merge page).
  const into = from && to ? branches.find((b) => b.ref === to || b.branch === to) : undefined;
  const mergeLink = into && can("writer", repo) ? "<p>" + link(["merge", repo], "Merge " + from + " into " + into.branch + "…", { from, into: into.branch }) + "</p>" : "";
  view.innerHTML = repoCrumbs(repo) + "<h1>Compare</h1>" + refList(branches) + '<form id="compare" class="row"><label for="from">From</label> <input id="from" list="refs" required value="' + esc(from ?? "") +
    '"> <label for="to">To</label> <input id="to" list="refs" required value="' + esc(to ?? "") + '"> <button>Compare</button></form>' + mergeLink + result;
  document.getElementById("compare").onsubmit = (e) => {
    e.preventDefault();
    location.hash = href(["compare", repo], { from: document.getElementById("from").value, to: document.getElementById("to").value });
  };
  wireDiffs(from, to, changes);
}
`;
