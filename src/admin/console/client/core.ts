// The console script's core: the API client (session cookie, CSRF header), escaping, links, sizes, roles, and
// small widgets (confirmation dialog, messages) every page uses. Plain DOM, no library.
export const CORE_JS = String.raw`
const view = document.getElementById("view");
const enc = encodeURIComponent;
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
const session = { auth: false, user: undefined, csrf: undefined };

/** An admin API call; throws Error("Code: message") on an error answer, its error object as .details (a merge's conflicts). */
async function api(path, init = {}) {
  const headers = { ...(init.headers ?? {}) };
  if (init.body !== undefined && typeof init.body === "string") headers["content-type"] = "application/json";
  if (session.csrf && init.method && init.method !== "GET") headers["x-strata-csrf"] = session.csrf;
  const res = await fetch("/_strata/" + path, { ...init, headers, credentials: "same-origin" });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.error ? body.error.code + ": " + body.error.message : res.status + " " + res.statusText), { details: body.error ?? {} });
  return body;
}
const post = (path, body, method = "POST") => api(path, { method, body: JSON.stringify(body ?? {}) });

/** A link to a console route: #/<parts...>[?query]. */
function href(parts, query) {
  const q = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== "")).toString() : "";
  return "#/" + parts.map(enc).join("/") + (q ? "?" + q : "");
}
const link = (parts, text, query) => '<a href="' + href(parts, query) + '">' + esc(text) + "</a>";
const contentUrl = (ref, key, extra = {}) => "/_strata/object/content?" + new URLSearchParams({ ref, key, ...extra }).toString();
const size = (n) => n === undefined ? "" : n < 1024 ? n + " B" : n < 1048576 ? (n / 1024).toFixed(1) + " KiB" : n < 1073741824 ? (n / 1048576).toFixed(1) + " MiB" : (n / 1073741824).toFixed(2) + " GiB";
// Ids are 12 hex digits of milliseconds then random ones: 16 digits tell apart commits of the same moment.
/** A size: rounded in the text, exact (in bytes) in its title. */
const bytes = (n) => '<span title="' + esc(n) + ' bytes">' + size(n) + "</span>";
/** Logical ÷ stored bytes of a metrics sample: how much dedup saves. */
const dedupRatio = (s) => (s.storedBytes ? s.logicalBytes / s.storedBytes : 1).toFixed(2) + "×";
const short = (id) => String(id ?? "").slice(0, 16);
const when = (iso) => iso ? '<time datetime="' + esc(iso) + '">' + esc(iso.replace("T", " ").replace(/\.\d+Z$/, "Z")) + "</time>" : "";

const ROLES = ["reader", "writer", "owner"];
/** Whether the signed-in user holds role in repo (auth off: anyone may do anything); the server checks again. */
function can(role, repo) {
  if (!session.auth) return true;
  const u = session.user;
  return !!u && (u.admin || ROLES.indexOf(u.roles[repo]) >= ROLES.indexOf(role));
}

/** Whether a ref names a branch (writable), not a tag or a commit (read-only): "repo" is its master branch. */
async function isBranch(ref) {
  const parts = ref.split(".");
  if (parts.length > 2) return false;
  const repo = parts.at(-1), name = parts.length === 2 ? parts[0] : "master";
  return (await api("branches?repo=" + enc(repo))).branches.some((b) => b.branch === name);
}

function crumbs(ref, prefix) {
  const repo = ref.split(".").at(-1);
  const out = [link([], "repos"), link(["repo", repo], repo), link(["tree", ref, ""], ref)];
  let acc = "";
  for (const p of prefix.split("/").filter(Boolean)) { acc += p + "/"; out.push(link(["tree", ref, acc], p)); }
  return '<nav class="crumbs" aria-label="Path">' + out.join(" / ") + "</nav>";
}
/** The path of a repo's page: repos / repo [/ more links]. */
const repoCrumbs = (repo, ...more) => '<nav class="crumbs" aria-label="Path">' + [link([], "repos"), link(["repo", repo], repo), ...more].join(" / ") + "</nav>";
/** A datalist (id refs) of a repo's branches, for inputs that take any ref. */
const refList = (branches) => '<datalist id="refs">' + branches.map((b) => '<option value="' + esc(b.ref) + '">').join("") + "</datalist>";

/** A status line for an action's outcome (role=status, or alert for errors). */
function say(text, isError) {
  const box = document.getElementById("status");
  box.setAttribute("role", isError ? "alert" : "status");
  box.className = isError ? "error" : "ok";
  box.textContent = text;
}

/** Goes to a console link and says message there (a page change otherwise clears the status line). */
let pendingSay = "";
function goTo(hash, message) {
  pendingSay = message;
  location.hash = hash;
}

/** Runs an action, says how it went, and shows the page again. */
async function act(what, fn) {
  try { const result = await fn(); say(what + ": done"); await route(); return result; }
  catch (e) { say(what + " refused: " + e.message, true); }
}

/** A modal confirmation naming what will happen; resolves true only on the confirm button. */
function confirmDialog(title, text, confirmLabel) {
  return new Promise((resolve) => {
    const d = document.createElement("dialog");
    d.setAttribute("aria-labelledby", "dlg-title");
    d.innerHTML = '<h2 id="dlg-title">' + esc(title) + "</h2><p>" + esc(text) + '</p><form method="dialog"><button value="no">Cancel</button> <button value="yes" class="danger">' + esc(confirmLabel) + "</button></form>";
    d.addEventListener("close", () => { resolve(d.returnValue === "yes"); d.remove(); });
    document.body.append(d);
    d.showModal();
  });
}

/** A table, in a box that scrolls sideways when it is wider than the screen (a phone's, long keys). */
const table = (heads, rows, label) => '<div class="scroll"><table' + (label ? ' aria-label="' + esc(label) + '"' : "") + "><thead><tr>" + heads.map((h) => '<th scope="col">' + h + "</th>").join("") + "</tr></thead><tbody>" +
  (rows.length ? rows.join("") : '<tr><td colspan="' + heads.length + '">Nothing here.</td></tr>') + "</tbody></table></div>";
const tr = (cells) => "<tr>" + cells.map((c) => "<td>" + c + "</td>").join("") + "</tr>";
`;
