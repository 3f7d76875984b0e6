/* Autosave on the server while this page holds the article's edit lock (or writes a new
   article): every few seconds, when the headline, standfirst or body changed since the last
   autosave, they are posted to the autosave address (a revision marked autosave: the
   article itself and its version are untouched). Leaving the page sends the last changes
   and lets go of the lock in the same post. If someone takes the lock over, the server
   refuses (409) and autosaving stops here. An autosave offered back (the page was closed
   before saving) is restored into the form, or discarded, by its two buttons. */
const root = document.getElementById("nr-autosave");
const form = document.getElementById("article_form");
const FIELDS = ["headline", "standfirst", "body"];

function field(name) {
  return form.querySelector(`[name="${name}"]`);
}

function current() {
  const values = {};
  for (const name of FIELDS) {
    values[name] = field(name)?.value ?? "";
  }
  return values;
}

function post(data) {
  const token = form.querySelector("input[name=csrfmiddlewaretoken]");
  const body = new FormData();
  body.append("csrfmiddlewaretoken", token ? token.value : "");
  for (const [name, value] of Object.entries(data)) {
    body.append(name, value);
  }
  return body;
}

/* The line under the Save buttons saying what autosave did last. */
function statusLine() {
  const line = document.createElement("p");
  line.id = "nr-autosave-status";
  line.className = "nr-autosave-status help";
  line.setAttribute("role", "status");
  const rows = form.querySelectorAll(".submit-row");
  (rows[rows.length - 1] || form.lastElementChild).after(line);
  return line;
}

function startAutosave() {
  const url = root.dataset.url;
  const every = Math.max(1, Number(root.dataset.seconds) || 5) * 1000;
  const status = statusLine();
  let sent = null; // the values of the last autosave (or of the page as it opened)
  let inFlight = false;
  let stopped = false;
  let saving = false;

  const say = (text, warning = false) => {
    status.textContent = text;
    status.classList.toggle("nr-warning", warning);
  };

  async function autosave() {
    if (stopped || inFlight || saving) {
      return;
    }
    const values = current();
    const text = JSON.stringify(values);
    if (text === sent) {
      return;
    }
    inFlight = true;
    try {
      const response = await fetch(url, {
        method: "POST",
        body: post(values),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        sent = text;
        say(`Unsaved changes autosaved at ${answer.saved}. Press Save to publish them to the article.`);
      } else if (response.status === 409 || response.status === 403 || response.status === 404) {
        stopped = true;
        say(answer.error || "Autosave has stopped: you can no longer edit this article.", true);
      } else {
        say(answer.error || "Autosave failed; it will try again in a few seconds.", true);
      }
    } catch {
      say("Autosave could not reach the server; it will try again in a few seconds.", true);
    } finally {
      inFlight = false;
    }
  }

  // The baseline is the form as it stands once every script (the editor too) has run.
  const begin = () => {
    sent = JSON.stringify(current());
    window.setInterval(autosave, every);
  };
  if (document.readyState === "complete") {
    begin();
  } else {
    window.addEventListener("load", begin, { once: true });
  }
  form.addEventListener("submit", () => {
    saving = true;
  });
  // Leaving with unsaved text: post it, and let the lock go in the same post (after keeping
  // the text). True if it posted.
  const lastWords = () => {
    const values = current();
    if (saving || stopped || sent === null || JSON.stringify(values) === sent) {
      return false;
    }
    navigator.sendBeacon(url, post({ ...values, release: "1" }));
    return true;
  };
  const lock = document.getElementById("nr-lock");
  if (lock) {
    // The lock script asks before letting the lock go (an event it dispatches as the page
    // hides), so the order the two scripts ran in does not matter.
    lock.addEventListener("nr:leaving", (event) => {
      if (lastWords()) {
        event.preventDefault();
      }
    });
  } else {
    window.addEventListener("pagehide", lastWords); // a new article: no lock to let go
  }
  return { autosave };
}

function offerRestore() {
  const offer = document.getElementById("nr-autosave-offer");
  const data = document.getElementById("nr-autosave-data");
  if (!offer || !data) {
    return;
  }
  const kept = JSON.parse(data.textContent);
  offer.hidden = false;
  offer.querySelector("[data-autosave-action=restore]").addEventListener("click", () => {
    for (const name of ["headline", "standfirst"]) {
      const input = field(name);
      if (input && typeof kept[name] === "string") {
        input.value = kept[name];
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    const body = field("body");
    const editor = body?.closest(".prose-editor")?.articleEditor;
    if (editor) {
      editor.commands.setContent(kept.body || "", { emitUpdate: true });
    } else if (body) {
      body.value = kept.body || "";
    }
    offer.replaceChildren();
    const done = document.createElement("p");
    done.textContent = "Your unsaved changes are back in the form. Check them, then press Save.";
    offer.append(done);
    offer.focus?.();
  });
  offer.querySelector("[data-autosave-action=discard]").addEventListener("click", async () => {
    await fetch(root.dataset.url, {
      method: "POST",
      body: post({ action: "discard" }),
      credentials: "same-origin",
    });
    offer.replaceChildren();
    const done = document.createElement("p");
    done.textContent = "The unsaved changes were discarded.";
    offer.append(done);
  });
}

if (root && form) {
  offerRestore();
  // For the browser tests: run an autosave now rather than waiting for the next one.
  root.autosave = startAutosave().autosave;
}
