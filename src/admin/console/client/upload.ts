// The console's upload: files and folders dropped on the zone (or picked with the two file inputs, for keyboard
// users) go into one open commit on the branch, one PUT per file with a progress bar over the whole batch, and
// the commit is finished once every file is in (dropped if any failed), so a batch is one commit in the log.
export const UPLOAD_JS = String.raw`
function uploadForm(prefix) {
  return '<section aria-labelledby="up-h" class="upload"><h2 id="up-h">Upload into ' + esc(prefix || "/") + '</h2>' +
    '<div id="drop" class="drop" tabindex="0" aria-describedby="drop-help">Drop files or folders here</div>' +
    '<p id="drop-help" class="muted">Everything dropped or picked at once becomes one commit.</p>' +
    '<p class="row"><label for="pick-files">Files</label> <input type="file" id="pick-files" multiple> ' +
    '<label for="pick-folder">Folder</label> <input type="file" id="pick-folder" webkitdirectory multiple></p>' +
    '<p class="row"><label for="up-msg">Commit message</label> <input id="up-msg" placeholder="Upload"></p>' +
    '<progress id="up-progress" max="1" value="0" aria-label="Upload progress" hidden></progress> <span id="up-text" aria-live="polite"></span></section>';
}

/** Files of a drop, folders walked (webkitGetAsEntry), each with its path relative to what was dropped. */
async function droppedFiles(items) {
  const out = [];
  const walk = async (entry, path) => {
    if (entry.isFile) out.push({ file: await new Promise((ok, no) => entry.file(ok, no)), path: path + entry.name });
    else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((ok, no) => reader.readEntries(ok, no));
        if (!batch.length) break;
        for (const e of batch) await walk(e, path + entry.name + "/");
      }
    }
  };
  const entries = [...items].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
  for (const e of entries) await walk(e, "");
  return out;
}

/** One PUT with upload progress (fetch has none): resolves with the answer, rejects with the API's error. */
function putFile(ref, key, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", "/_strata/object/content?" + new URLSearchParams({ ref, key }));
    if (session.csrf) xhr.setRequestHeader("x-strata-csrf", session.csrf);
    if (file.type) xhr.setRequestHeader("content-type", file.type);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let body = {}; try { body = JSON.parse(xhr.responseText); } catch {}
      if (xhr.status < 300) resolve(body); else reject(new Error(body.error ? body.error.code + ": " + body.error.message : String(xhr.status)));
    };
    xhr.onerror = () => reject(new Error("network error"));
    xhr.send(file);
  });
}

async function uploadBatch(ref, prefix, files) {
  if (!files.length) return;
  const bar = document.getElementById("up-progress"), text = document.getElementById("up-text");
  const total = files.reduce((n, f) => n + f.file.size, 0) || 1;
  let done = 0;
  bar.hidden = false; bar.value = 0;
  const message = document.getElementById("up-msg").value || "Upload " + files.length + " file" + (files.length === 1 ? "" : "s") + " into " + (prefix || "/");
  await act("Upload of " + files.length + " file(s)", async () => {
    await post("commits/start", { ref, message });
    try {
      for (const [i, f] of files.entries()) {
        text.textContent = (i + 1) + " of " + files.length + ": " + f.path;
        await putFile(ref, prefix + f.path, f.file, (loaded) => { bar.value = (done + loaded) / total; });
        done += f.file.size;
      }
      bar.value = 1;
      return await post("commits/finish", { ref, message });
    } catch (e) {
      await post("commits/drop", { ref }).catch(() => {});
      throw e;
    }
  });
}

function wireUpload(ref, prefix) {
  const zone = document.getElementById("drop");
  zone.ondragover = (e) => { e.preventDefault(); zone.classList.add("over"); };
  zone.ondragleave = () => zone.classList.remove("over");
  zone.ondrop = async (e) => { e.preventDefault(); zone.classList.remove("over"); await uploadBatch(ref, prefix, await droppedFiles(e.dataTransfer.items)); };
  zone.onkeydown = (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); document.getElementById("pick-files").click(); } };
  const picked = (input) => [...input.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
  for (const id of ["pick-files", "pick-folder"]) {
    const input = document.getElementById(id);
    input.onchange = () => uploadBatch(ref, prefix, picked(input));
  }
}

async function activityPage() {
  const { branches } = await api("branches");
  const open = branches.filter((b) => b.open).map((b) => tr([link(["tree", b.ref, ""], b.ref), esc(short(b.open)),
    can("writer", b.repo) ? '<button data-drop="' + esc(b.ref) + '">Drop open commit</button>' : ""]));
  let jobs = "<p>Only an admin sees running jobs.</p>";
  try {
    const list = (await api("jobs")).jobs;
    jobs = table(["Job", "Inputs", "Output", "Port"], list.map((j) => tr([esc(j.id), esc(Object.values(j.inputs).map((i) => i.ref).join(", ")), esc(j.output.ref), esc(j.port)])));
  } catch {}
  view.innerHTML = "<h1>Open commits and jobs</h1><h2>Open commits</h2>" + table(["Branch", "Open commit", ""], open) + "<h2>Running jobs</h2>" + jobs;
  for (const b of view.querySelectorAll("[data-drop]")) b.onclick = async () => {
    if (await confirmDialog("Drop the open commit on " + b.dataset.drop + "?", "Everything written into it since it was started goes.", "Drop"))
      act("Drop open commit", () => post("commits/drop", { ref: b.dataset.drop }));
  };
}
`;
