// The console's tags: a repo's tags page (list, create on any commit, branch or tag, delete), the tags naming each
// commit (badges in the log and on a commit page), and a commit page's "tag this commit" form.
export const TAGS_JS = String.raw`
/** A repo's tags by the commit each names. */
async function tagsByCommit(repo) {
  const byCommit = new Map();
  for (const t of (await api("tags?repo=" + enc(repo))).tags) byCommit.set(t.commit, [...(byCommit.get(t.commit) ?? []), t.name]);
  return byCommit;
}

const tagBadges = (names) => (names ?? []).map((t) => '<span class="badge tag">' + esc(t) + "</span>").join("");

async function tagsPage(repo) {
  const [{ tags }, { branches }] = await Promise.all([api("tags?repo=" + enc(repo)), api("branches?repo=" + enc(repo))]);
  const mayDelete = can("owner", repo);
  const rows = tags.map((t) => tr([link(["tree", t.ref, ""], t.name), link(["commit", repo, t.commit], short(t.commit)), when(t.created), esc(t.author ?? ""), esc(t.message ?? ""),
    mayDelete ? '<button data-delete-tag="' + esc(t.ref) + '" data-commit="' + esc(t.commit) + '" aria-label="Delete tag ' + esc(t.name) + '">Delete</button>' : ""]));
  view.innerHTML = repoCrumbs(repo) + "<h1>Tags of " + esc(repo) + "</h1>" + table(["Tag", "Commit", "Created", "Author", "Message", ""], rows, "Tags") +
    (can("writer", repo) ? refList(branches) + tagForm("master") : "");
  wireTagForm(repo);
  for (const b of view.querySelectorAll("[data-delete-tag]")) b.onclick = async () => {
    const ref = b.dataset.deleteTag;
    if (await confirmDialog("Delete tag " + ref + "?", "The name " + ref + " goes; commit " + short(b.dataset.commit) + " stays in the repo's history.", "Delete tag"))
      act("Delete tag " + ref, () => api("tags/" + enc(ref), { method: "DELETE" }));
  };
}

/** A form creating a tag at what "at" names (a commit id, a branch or a tag; editable when the datalist of refs is there). */
function tagForm(at) {
  return '<form id="new-tag" class="stack"><h2>New tag</h2><label for="tag-name">Tag name</label><input id="tag-name" required autocomplete="off">' +
    '<label for="tag-at">At (commit, branch or tag)</label><input id="tag-at" list="refs" required value="' + esc(at) + '">' +
    '<label for="tag-msg">Message</label><input id="tag-msg"><button>Create tag</button></form>';
}

function wireTagForm(repo) {
  const form = document.getElementById("new-tag");
  if (!form) return;
  form.onsubmit = (e) => {
    e.preventDefault();
    const name = document.getElementById("tag-name").value, message = document.getElementById("tag-msg").value;
    act("Create tag " + name, () => post("tags", { ref: name + "." + repo, at: document.getElementById("tag-at").value, ...(message ? { message } : {}) }));
  };
}
`;
