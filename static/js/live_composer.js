/* The live blog's composer (templates/admin/live/liveblog/composer.html), built for speed.

   - Post without leaving the page: the form is sent with fetch; the answer carries the
     new entry, put on top of the list under the form; the editor empties for the next
     one. Without JavaScript the form posts and the page comes back (303).
   - Ctrl+Enter (⌘+Enter on a Mac) posts from anywhere in the form.
   - The entry being written is kept in this browser (localStorage) a moment after each
     change and offered back if the page is reopened before it is posted. An entry being
     written exists nowhere else yet: keeping it on the server would mean a draft state for
     entries and a request per pause in typing, for text only its writer will ever read;
     the browser's storage survives a crash or a closed tab, sends nothing anywhere, and is
     forgotten as soon as the entry is posted.
   - The list refreshes every few seconds, so colleagues' entries show as they post. Two
     people posting at once each add their own entry: nothing is overwritten. */

const form = document.getElementById("nr-entry-form");
const list = document.querySelector("[data-live-composer-entries]");
const REFRESH_SECONDS = 8;

function editorOf(textarea) {
  return new Promise((resolve) => {
    const ready = textarea.closest(".prose-editor")?.articleEditor;
    if (ready) {
      resolve(ready);
      return;
    }
    textarea.addEventListener("article-editor:ready", () => {
      resolve(textarea.closest(".prose-editor").articleEditor);
    });
  });
}

async function refresh() {
  // Not while someone types in the list (a reason to withdraw): it would be wiped.
  if (!list || document.hidden || list.contains(document.activeElement)) {
    return;
  }
  try {
    const response = await fetch(list.dataset.entriesUrl, {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    });
    if (response.ok) {
      list.innerHTML = await response.text();
    }
  } catch {
    // Offline for a moment: the next refresh tries again.
  }
}

if (form) {
  const textarea = form.querySelector("textarea[name=body]");
  const headline = form.querySelector("input[name=headline]");
  const said = form.querySelector("[data-said]");
  const errors = form.querySelector("[data-form-errors]");
  const submit = form.querySelector("input[type=submit]");
  const key = form.dataset.draftKey;
  let editor = null;
  let sending = false;
  let timer = null;

  const keep = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      if (!textarea.value && !headline.value) {
        window.localStorage.removeItem(key);
        return;
      }
      const draft = { headline: headline.value, body: textarea.value, at: Date.now() };
      window.localStorage.setItem(key, JSON.stringify(draft));
    }, 500);
  };

  editorOf(textarea).then((found) => {
    editor = found;
    let kept = null;
    try {
      kept = JSON.parse(window.localStorage.getItem(key) || "null");
    } catch {
      kept = null;
    }
    if (kept && !textarea.value && (kept.body || kept.headline)) {
      editor.commands.setContent(kept.body || "", { emitUpdate: true });
      headline.value = kept.headline || "";
      const when = new Date(kept.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      said.textContent = `Your unposted entry from ${when} is back.`;
    }
    editor.on("update", keep);
  });
  headline.addEventListener("input", keep);

  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) {
      return;
    }
    sending = true;
    submit.disabled = true;
    said.textContent = "Posting…";
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json();
      if (!response.ok) {
        const messages = Object.values(data.errors || {})
          .flat()
          .map((error) => error.message);
        errors.textContent = messages.join(" ") || "The entry was not posted.";
        errors.hidden = false;
        said.textContent = "Not posted: see above. Your text is still here.";
        return;
      }
      errors.hidden = true;
      list.querySelector(".nr-empty")?.remove();
      list.insertAdjacentHTML("afterbegin", data.entry_html);
      window.clearTimeout(timer);
      window.localStorage.removeItem(key);
      editor?.commands.clearContent(true);
      textarea.value = "";
      headline.value = "";
      for (const option of form.querySelectorAll("select[name=authors] option")) {
        option.selected = false;
      }
      const keyEvent = form.querySelector("input[name=key_event]");
      if (keyEvent) {
        keyEvent.checked = false;
      }
      said.textContent = `${data.message} (${new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })})`;
      editor?.commands.focus();
    } catch {
      said.textContent = "Not posted: the connection failed. Your text is still here; try again.";
    } finally {
      sending = false;
      submit.disabled = false;
    }
  });
}

window.setInterval(refresh, REFRESH_SECONDS * 1000);
