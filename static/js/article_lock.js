/* The article form's soft edit lock. While this editor holds it, refresh it now and
   then so it does not expire under them; let it go when they leave without saving (saving
   releases it on the server). Without JavaScript the lock simply expires after a while. */
function startEditLock() {
  "use strict";
  const lock = document.getElementById("nr-lock");
  const form = document.getElementById("article_form");
  if (!lock || !form) {
    return;
  }
  const url = lock.dataset.url;
  const every = Number(lock.dataset.refreshSeconds || 300) * 1000;
  let saving = false;

  function body(action) {
    const data = new FormData();
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    data.append("csrfmiddlewaretoken", token ? token.value : "");
    data.append("action", action);
    return data;
  }

  function refresh() {
    fetch(url, { method: "POST", body: body("refresh"), credentials: "same-origin" }).catch(
      function () {} // offline for a moment: the next refresh tries again
    );
  }

  form.addEventListener("submit", function () {
    saving = true;
  });
  window.setInterval(refresh, every);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      saving = false;
      refresh(); // back from the browser's page cache: take the lock again
    }
  });
  window.addEventListener("pagehide", function () {
    // Unsaved text is posted by the autosave script, which lets the lock go after keeping it.
    if (!saving && !lock.hasAttribute("data-released-by-autosave")) {
      navigator.sendBeacon(url, body("release"));
    }
  });
}

// Loaded in the page's head with the form's media: wait for the form.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startEditLock);
} else {
  startEditLock();
}
