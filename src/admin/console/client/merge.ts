// The console's merges and reverts, both planned before anything is written: a dry run says what would happen
// (fast-forward, a merge commit changing N keys, nothing to do) or lists every conflicting key with its version in
// the merge base and on both sides (and a side-by-side diff of small texts); the user picks a strategy for the
// conflicts (take the source's side, or keep the branch's) and only then merges.
export const MERGE_JS = String.raw`
const OUTCOMES = {
  "up-to-date": () => "Nothing to do: everything is already there.",
  "fast-forward": () => "Fast-forward: the branch moves to the source's head, no new commit.",
  merged: (r) => "A new commit changing " + r.changed + " key" + (r.changed === 1 ? "" : "s") + (r.resolved ? ", " + r.resolved + " conflict(s) settled by the strategy" : "") + ".",
};

async function mergePage(repo, from, into) {
  const { branches } = await api("branches?repo=" + enc(repo));
  const target = into || "master";
  view.innerHTML = repoCrumbs(repo) + "<h1>Merge</h1>" + refList(branches) +
    '<form id="merge" class="row"><label for="m-from">Merge from</label> <input id="m-from" list="refs" required value="' + esc(from ?? "") + '">' +
    ' <label for="m-into">into branch</label> <select id="m-into">' + branches.map((b) => '<option' + (b.branch === target ? " selected" : "") + ">" + esc(b.branch) + "</option>").join("") +
    '</select> <button>Preview merge</button></form><p class="muted">A preview writes nothing; conflicts are listed with both sides before you choose how to settle them.</p><div id="plan"></div>';
  document.getElementById("merge").onsubmit = (e) => {
    e.preventDefault();
    location.hash = href(["merge", repo], { from: document.getElementById("m-from").value, into: document.getElementById("m-into").value });
  };
  if (from && into) await planned(document.getElementById("plan"), repo, {
    verb: "Merge", route: "branches/" + enc(into + "." + repo) + "/merge", body: { from },
    title: "Merge " + from + " into " + into, sides: { source: from, dest: into },
  });
}

/** The revert form of a commit page: which branch undoes the commit (the one it was made on, by default). */
function revertForm(c) {
  return '<form id="revert" class="row"><label for="rv-branch">Revert this commit on branch</label> <input id="rv-branch" required value="' + esc(c.branch) + '"> <button>Preview revert</button></form><div id="revert-plan"></div>';
}

function wireRevert(repo, c) {
  const form = document.getElementById("revert");
  if (!form) return;
  form.onsubmit = (e) => {
    e.preventDefault();
    const branch = document.getElementById("rv-branch").value;
    planned(document.getElementById("revert-plan"), repo, {
      verb: "Revert", route: "branches/" + enc(branch + "." + repo) + "/revert", body: { commit: c.id },
      title: "Revert " + short(c.id) + " on " + branch, sides: { source: "before " + short(c.id), dest: branch },
    });
  };
}

/**
 * Runs the action as a dry run into box, shows what it would do or its conflicts, and offers to do it: with a
 * strategy when there are conflicts. plan: verb, route (the branch's merge or revert), body, title, and the names
 * of the two sides (source: what comes in, dest: the branch).
 */
async function planned(box, repo, plan) {
  box.innerHTML = "<p>Checking…</p>";
  let dry, conflicts = [];
  try { dry = await post(plan.route, { ...plan.body, dryRun: true }); }
  catch (e) {
    if (!e.details.conflicts) { box.innerHTML = '<p role="alert" class="error">' + esc(e.message) + "</p>"; return; }
    conflicts = e.details.conflicts;
  }
  const mayApply = can("writer", repo) && (!dry || dry.result !== "up-to-date");
  box.innerHTML = '<section aria-labelledby="plan-h"><h2 id="plan-h">' + esc(plan.title) + "</h2>" +
    (dry ? "<p>" + esc(OUTCOMES[dry.result](dry)) + "</p>" : conflictView(repo, conflicts, plan.sides)) +
    (mayApply ? applyForm(plan.verb, conflicts.length > 0, plan.sides) : "") + "</section>";
  wireSideDiffs(box, repo, conflicts);
  const form = box.querySelector("form.apply");
  if (form) form.onsubmit = async (e) => {
    e.preventDefault();
    const strategy = form.querySelector("input[name=strategy]:checked")?.value;
    const message = form.querySelector("input[name=message]").value;
    try {
      const r = await post(plan.route, { ...plan.body, ...(strategy ? { strategy } : {}), ...(message ? { message } : {}) });
      goTo(href(["commit", repo, r.commit]), plan.title + ": " + r.result + (r.resolved ? ", " + r.resolved + " conflict(s) settled" : ""));
    } catch (err) { say(plan.title + " refused: " + err.message, true); }
  };
}

function conflictView(repo, conflicts, sides) {
  const heads = ["Key", "Base", "Source: " + sides.source, "Branch: " + sides.dest, ""];
  // Each cell names its column, which a phone-width screen shows above it instead of the header row (page.ts:
  // shown, not read: screen readers have the header).
  const row = (cells) => "<tr>" + cells.map((c, i) => '<td data-head="' + esc(heads[i]) + '">' + c + "</td>").join("") + "</tr>";
  const rows = conflicts.map((k, i) => row([esc(k.key), sideCell(repo, k.key, k.base), sideCell(repo, k.key, k.source), sideCell(repo, k.key, k.dest),
    textSides(k) ? '<button data-sides="' + i + '" aria-label="Compare both sides of ' + esc(k.key) + '">Compare sides</button>' : ""]));
  return '<p id="conflicts" role="alert">' + conflicts.length + " key" + (conflicts.length === 1 ? " was" : "s were") + " changed differently on both sides; nothing was written.</p>" +
    table(heads.map(esc), rows, "Conflicts");
}

/** One side of a conflict: its version (size, ETag, when, which commit), a delete marker, or absent. */
function sideCell(repo, key, side) {
  if (!side) return '<span class="muted">absent</span>';
  const commit = "commit " + link(["commit", repo, side.commit], short(side.commit));
  if (side.deleteMarker) return "deleted " + when(side.modified) + " · " + commit;
  return link(["object", side.commit + "." + repo, key], size(side.size), { version: side.version }) + ' · <code title="ETag">' + esc(short(side.etag)) + "</code> · " + when(side.modified) + " · " + commit;
}

const textSides = (k) => k.source && k.dest && !k.source.deleteMarker && !k.dest.deleteMarker && k.source.size <= DIFF_CAP && k.dest.size <= DIFF_CAP;

function wireSideDiffs(box, repo, conflicts) {
  for (const b of box.querySelectorAll("[data-sides]")) b.onclick = async () => {
    const k = conflicts[Number(b.dataset.sides)];
    const text = async (side) => (await fetch(contentUrl(side.commit + "." + repo, k.key, { version: side.version }), { credentials: "same-origin" })).text();
    const [dest, source] = await Promise.all([text(k.dest), text(k.source)]);
    const row = document.createElement("tr");
    row.innerHTML = '<td colspan="5">' + sideBySide(dest, source, k.key, ["Branch", "Source"]) + "</td>";
    b.closest("tr").after(row);
    b.remove();
  };
}

function applyForm(verb, withConflicts, sides) {
  const choice = (value, text, checked) => '<label><input type="radio" name="strategy" value="' + value + '"' + (checked ? " checked" : "") + "> " + esc(text) + "</label>";
  return '<form class="apply stack">' + (withConflicts
    ? "<fieldset><legend>Settle the conflicts by</legend>" + choice("source-wins", "taking the source's version (" + sides.source + ")", true) + "<br>" +
      choice("dest-wins", "keeping the branch's version (" + sides.dest + ")", false) + "</fieldset>"
    : "") +
    '<label for="apply-msg">Commit message</label><input id="apply-msg" name="message" placeholder="' + esc(verb) + '"><button>' + esc(verb) + (withConflicts ? " with this choice" : "") + "</button></form>";
}
`;
