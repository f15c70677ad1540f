// The console script's entry: who is signed in (the session cookie; a sign-in form when auth is on and no one
// is), the header's navigation, and the hash router that keeps every view linkable (#/tree/<ref>/<prefix>…).
export const MAIN_JS = String.raw`
async function loadSession() {
  Object.assign(session, { user: undefined, csrf: undefined }, await (await fetch("/_strata/console/session", { credentials: "same-origin" })).json());
  const who = document.getElementById("who");
  who.innerHTML = session.user ? esc(session.user.name) + (session.user.admin ? " (admin)" : "") + ' <button id="sign-out">Sign out</button>' : "";
  if (session.user) document.getElementById("sign-out").onclick = async () => { await api("console/session", { method: "DELETE" }); await start(); };
}

function signInPage() {
  view.innerHTML = '<h1>Sign in</h1><form id="sign-in" class="stack"><p>Use a token as access key and secret, or paste it as token.</p>' +
    '<label for="ak">Access key</label><input id="ak" autocomplete="username">' +
    '<label for="sk">Secret key</label><input id="sk" type="password" autocomplete="current-password">' +
    '<label for="tk">or token</label><input id="tk" type="password" autocomplete="off"><button>Sign in</button></form>';
  document.getElementById("sign-in").onsubmit = async (e) => {
    e.preventDefault();
    const token = document.getElementById("tk").value;
    const body = token ? { token } : { accessKey: document.getElementById("ak").value, secret: document.getElementById("sk").value };
    try { await post("console/session", body); await start(); }
    catch (err) { say(err.message, true); }
  };
}

const ROUTES = {
  repo: (p) => repoPage(p[0]),
  tree: (p, q) => treePage(p[0], p.slice(1).join("/"), q.get("after")),
  object: (p, q) => objectPage(p[0], p.slice(1).join("/"), q.get("version")),
  log: (p) => logPage(p[0]),
  commit: (p) => commitPage(p[0], p[1]),
  compare: (p, q) => comparePage(p[0], q.get("from"), q.get("to")),
  merge: (p, q) => mergePage(p[0], q.get("from"), q.get("into")),
  tags: (p) => tagsPage(p[0]),
  activity: () => activityPage(),
  dashboard: () => dashboardPage(),
};

async function route() {
  if (session.auth && !session.user) return signInPage();
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const parts = path.split("/").map(decodeURIComponent);
  const page = ROUTES[parts[0]] ?? reposPage;
  try { await page(parts.slice(1), new URLSearchParams(query ?? "")); }
  catch (e) { view.innerHTML = '<p role="alert" class="error">' + esc(e.message) + "</p>"; }
}

async function start() { await loadSession(); await route(); }
addEventListener("hashchange", () => { say(pendingSay); pendingSay = ""; route(); });
start();
`;
