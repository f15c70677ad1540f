// The console's one page and its script, embedded as strings so the binary (Bun or Deno) serves them with no
// network and no build step. Plain DOM, no library: the pages are lists and tables over the admin JSON API,
// server data rendered with every value escaped; the script is the modules under client/, in order.
import { BROWSE_JS } from "./client/browse.ts";
import { CORE_JS } from "./client/core.ts";
import { DASHBOARD_JS } from "./client/dashboard.ts";
import { HISTORY_JS } from "./client/history.ts";
import { MAIN_JS } from "./client/main.ts";
import { MERGE_JS } from "./client/merge.ts";
import { TAGS_JS } from "./client/tags.ts";
import { UPLOAD_JS } from "./client/upload.ts";

export const CONSOLE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strata console</title><link rel="icon" href="data:,">
<style>
*{box-sizing:border-box}body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;line-height:1.4}
header{background:#23395d;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center}
header a{color:#fff;font-weight:600}header nav{display:flex;gap:1rem;flex-wrap:wrap}#who{margin-left:auto}
main{padding:1rem;max-width:72rem}a{color:#1d4f91}a:focus,button:focus,input:focus,[tabindex]:focus{outline:3px solid #f0a020;outline-offset:1px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;overflow-wrap:break-word;vertical-align:top}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dd{margin:0;overflow-wrap:anywhere}
nav.crumbs{margin-bottom:.5rem}pre{background:#f5f5f5;padding:.5rem;overflow:auto;max-height:30rem;margin:0}
button,input,select{font:inherit;padding:.3rem .6rem}button{cursor:pointer}.danger{background:#b02a2a;color:#fff;border:1px solid #801d1d}
.row{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}.stack{display:grid;gap:.4rem;max-width:24rem}
.muted{color:#5a5a5a;font-size:.9em}.badge{background:#e3ebf7;border-radius:.6rem;padding:0 .4rem;margin-right:.2rem;font-size:.85em}.badge.tag{background:#f7ecd9}
#status:empty{display:none}#status{padding:.4rem .8rem;margin:.5rem 1rem}#status.error,.error{background:#fbe9e9;color:#801d1d}#status.ok{background:#e6f4ea}
.drop{border:2px dashed #8aa;padding:1.5rem;text-align:center;border-radius:.5rem}.drop.over{background:#eef6ff}progress{width:100%;max-width:30rem}
.log{display:flex;gap:.5rem;overflow-x:auto}.commits{list-style:none;margin:0;padding:0;flex:1}.commits li{display:flex;align-items:center;gap:.3rem;white-space:nowrap}
.change.added{color:#1e6b3a}.change.deleted{color:#a02020}.change.modified{color:#8a5a00}
table.diff{table-layout:fixed}table.diff td{padding:0 .3rem;width:50%}table.diff pre{background:none;padding:0;white-space:pre-wrap}
tr.add td:last-child{background:#e6f4ea}tr.del td:first-child{background:#fbe9e9}.scroll{overflow-x:auto}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(18rem,1fr));gap:1rem}.chart{margin:0}.chart svg{width:100%;height:auto;border:1px solid #ddd}
img.preview{max-width:100%}dialog{max-width:32rem}fieldset{border:1px solid #ccc;border-radius:.3rem}details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}
td button{white-space:nowrap}table[aria-label=Conflicts] td:first-child{min-width:8rem}
@media (max-width:40rem){main{padding:.5rem}td,th{padding:.2rem}header{padding:.4rem .5rem}
table[aria-label=Conflicts]>thead{position:absolute;left:-999px}table[aria-label=Conflicts]>tbody>tr{display:block;border-bottom:1px solid #ddd}
table[aria-label=Conflicts]>tbody>tr>td{display:block;border:0}table[aria-label=Conflicts] td[data-head]:not([data-head=""])::before{content:attr(data-head) / "";display:block;font-weight:600}}
</style></head>
<body><a href="#view" class="muted" style="position:absolute;left:-999px">Skip to content</a>
<header><a href="#/">Strata console</a><nav aria-label="Main"><a href="#/">Repos</a><a href="#/activity">Open commits &amp; jobs</a><a href="#/dashboard">Dashboard</a></nav><span id="who"></span></header>
<div id="status" role="status"></div><main id="view" tabindex="-1" aria-live="polite">Loading…</main>
<script type="module" src="./app.js"></script></body></html>`;

export const CONSOLE_JS = [CORE_JS, BROWSE_JS, HISTORY_JS, MERGE_JS, TAGS_JS, UPLOAD_JS, DASHBOARD_JS, MAIN_JS].join("\n");
