/* The article form's soft edit lock. While this editor holds it, refresh it now and then so
   it does not expire under them; let it go when they leave without saving (saving releases
   it on the server). Without JavaScript the lock simply expires after a while. A module runs
   once the page is parsed, so the form is there. */

function startEditLock(lock, form) {
  const url = lock.dataset.url;
  const every = Number(lock.dataset.refreshSeconds || 300) * 1000;
  let saving = false;

  const body = (action) => {
    const data = new FormData();
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    data.append("csrfmiddlewaretoken", token ? token.value : "");
    data.append("action", action);
    return data;
  };
  const refresh = () =>
    fetch(url, { method: "POST", body: body("refresh"), credentials: "same-origin" }).catch(
      () => {}, // offline for a moment: the next refresh tries again
    );

  form.addEventListener("submit", () => {
    saving = true;
  });
  window.setInterval(refresh, every);
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      saving = false;
      refresh(); // back from the browser's page cache: take the lock again
    }
  });
  window.addEventListener("pagehide", () => {
    // Unsaved text is posted by the autosave script, which lets the lock go after keeping
    // it: asked through a cancelable event, answered before this handler goes on.
    const leaving = new Event("nr:leaving", { cancelable: true });
    if (!saving && lock.dispatchEvent(leaving)) {
      navigator.sendBeacon(url, body("release"));
    }
  });
}

const lock = document.getElementById("nr-lock");
const form = document.getElementById("article_form");
if (lock && form) {
  startEditLock(lock, form);
}
