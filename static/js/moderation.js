/* The moderation queue's keyboard shortcuts and in-place decisions.
 *
 * Without this file the queue still works: every comment has its own POST form.
 * With it: j/k move, a/r/s decide the current comment without reloading the page,
 * x selects it for a bulk decision, ? shows the help. After each decision a bar says what
 * was done, with an Undo button (or z) for as long as the server allows it; undoing puts
 * the comment back where it was. Served from static/ so the Content-Security-Policy needs
 * no inline script.
 */
(() => {
  "use strict";

  const list = document.querySelector(".mod-list");
  if (!list) {
    return;
  }
  const help = document.getElementById("mod-help");
  const announcer = document.getElementById("mod-announce");
  const cleared = document.querySelector(".mod-cleared");
  const selectAll = document.getElementById("mod-select-all");
  const DONE = {
    approve: "approved",
    reject: "rejected",
    spam: "marked as spam",
    ban: "marked as spam, its commenter banned",
    trust: "approved, its commenter trusted",
    keep: "kept, its reports cleared",
    pick: "picked",
    unpick: "unpicked",
  };
  // Decisions that leave the comment where it is in the list (its status does not change).
  const STAYS = { pick: true, unpick: true };
  let current = null;
  const undoBar = document.getElementById("mod-undo");
  const undoForm = undoBar && undoBar.querySelector("form");
  let undoTimer = null;
  // The last decision that can still be undone: its item, where it was, and its offer.
  let lastDecision = null;

  function items() {
    return Array.prototype.slice.call(list.querySelectorAll(".mod-item"));
  }

  function announce(text) {
    if (announcer) {
      announcer.textContent = text;
    }
  }

  function select(item, focus) {
    if (current) {
      current.classList.remove("is-current");
    }
    current = item || null;
    if (!current) {
      return;
    }
    current.classList.add("is-current");
    if (focus !== false) {
      current.focus({ preventScroll: true });
    }
    current.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const all = items();
    if (!all.length) {
      return;
    }
    let index = all.indexOf(current);
    index = index < 0 ? 0 : Math.min(all.length - 1, Math.max(0, index + step));
    select(all[index]);
  }

  function updateCounts(counts) {
    if (!counts) {
      return;
    }
    Object.keys(counts).forEach(status => {
      const tab = document.querySelector(`.mod-tabs [data-status="${status}"] .mod-count`);
      if (tab) {
        tab.textContent = counts[status];
      }
    });
  }

  function showError(item, message) {
    let box = item.querySelector(".mod-item__error");
    if (!box) {
      box = document.createElement("p");
      box.className = "mod-item__error";
      box.setAttribute("role", "alert");
      item.querySelector(".mod-item__main").appendChild(box);
    }
    box.textContent = message || "That did not work. Please try again.";
  }

  function hideUndo() {
    if (undoTimer) {
      clearTimeout(undoTimer);
      undoTimer = null;
    }
    lastDecision = null;
    if (undoForm) {
      undoForm.hidden = true;
      undoBar.querySelector(".mod-undo__note").hidden = true;
    }
  }

  function offerUndo(text, offer, item, place) {
    if (!undoBar) {
      return;
    }
    hideUndo();
    undoBar.querySelector(".mod-undo__text").textContent = text;
    undoBar.hidden = false;
    if (!offer || !undoForm) {
      return;
    }
    lastDecision = { item, place, offer };
    undoForm.action = offer.url;
    undoForm.querySelector('input[name="token"]').value = offer.token;
    undoForm.hidden = false;
    undoBar.querySelector(".mod-undo__note").hidden = false;
    // Hidden a little before the server's window closes, so a late click is not refused.
    undoTimer = setTimeout(hideUndo, Math.max(1, offer.seconds - 1) * 1000);
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(response => response.json().then(body => {
      if (!response.ok) {
        throw new Error((body.errors || []).join(" ") || response.statusText);
      }
      return body;
    }));
  }

  function undo() {
    const last = lastDecision;
    if (!last || !undoForm || undoForm.classList.contains("is-busy")) {
      return;
    }
    undoForm.classList.add("is-busy");
    post(last.offer.url, new FormData(undoForm))
      .then(body => {
        hideUndo();
        if (last.item && !last.item.isConnected) {
          // Back where it was: before the comment that followed it, else at the end.
          if (last.place && last.place.isConnected) {
            list.insertBefore(last.item, last.place);
          } else {
            list.appendChild(last.item);
          }
          if (cleared) {
            cleared.hidden = true;
          }
        }
        if (last.item) {
          last.item.classList.remove("is-busy");
          select(last.item);
        }
        updateCounts(body.counts);
        undoBar.querySelector(".mod-undo__text").textContent = body.message;
        announce(body.message);
      })
      .catch(error => {
        hideUndo();
        undoBar.querySelector(".mod-undo__text").textContent = error.message;
        announce(error.message);
      })
      .then(() => {
        undoForm.classList.remove("is-busy");
      });
  }

  if (undoForm) {
    undoForm.addEventListener("submit", event => {
      if (lastDecision) {
        event.preventDefault();
        undo();
      }
    });
  }

  function decide(item, decision) {
    if (!item || !decision || item.classList.contains("is-busy")) {
      return;
    }
    const form = item.querySelector("form.mod-item__actions");
    const data = new FormData(form);
    data.set("decision", decision);
    item.classList.add("is-busy");
    post(form.action, data)
      .then(body => {
        const name = item.querySelector(".mod-item__name").textContent;
        let said = `Comment by ${name} ${DONE[decision]}.`;
        if (!body.changed) {
          said = `Comment by ${name} was ${body.unchanged || "already so"}.`;
        }
        if (STAYS[decision]) {
          item.classList.remove("is-busy");
          announce(`${said} Reload to see the change.`);
          offerUndo(said, body.undo, item, null);
          return;
        }
        const all = items();
        const index = all.indexOf(item);
        const next = all[index + 1] || all[index - 1] || null;
        const place = item.nextElementSibling;
        item.remove();
        updateCounts(body.counts);
        announce(said);
        offerUndo(said, body.undo, item, place);
        select(next);
        if (!items().length && cleared) {
          if (list.dataset.status === "pending" && body.counts && body.counts.pending === 0) {
            cleared.querySelector(".mod-cleared__text").textContent =
              "The queue is clear: nothing is waiting for a decision.";
          }
          cleared.hidden = false;
          cleared.querySelector("a").focus();
        }
      })
      .catch(error => {
        item.classList.remove("is-busy");
        showError(item, error.message);
      });
  }

  function toggleSelected(item) {
    const box = item && item.querySelector(".mod-item__select");
    if (box) {
      box.checked = !box.checked;
    }
  }

  // Clicking a button decides in place too; `event.submitter` says which one.
  list.addEventListener("submit", event => {
    const form = event.target.closest("form.mod-item__actions");
    if (!form || !event.submitter) {
      return;
    }
    event.preventDefault();
    decide(form.closest(".mod-item"), event.submitter.value);
  });

  list.addEventListener("click", event => {
    const item = event.target.closest(".mod-item");
    if (item && item !== current) {
      select(item, false);
    }
  });

  if (selectAll) {
    selectAll.closest("label").hidden = false;
    selectAll.addEventListener("change", () => {
      items().forEach(item => {
        item.querySelector(".mod-item__select").checked = selectAll.checked;
      });
    });
  }

  document.addEventListener("keydown", event => {
    const target = event.target;
    const typing =
      target.isContentEditable ||
      (target.matches("input, textarea, select") && target.type !== "checkbox");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (help && help.open && event.key !== "?") {
      return;
    }
    switch (event.key) {
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "a":
        decide(current, "approve");
        break;
      case "r":
        decide(current, "reject");
        break;
      case "s":
        decide(current, "spam");
        break;
      case "b":
        decide(current, "ban");
        break;
      case "t":
        decide(current, "trust");
        break;
      case "c":
        decide(current, "keep");
        break;
      case "p":
        decide(current, "pick");
        break;
      case "u":
        decide(current, "unpick");
        break;
      case "x":
        toggleSelected(current);
        break;
      case "z":
        undo();
        break;
      case "?":
        if (help) {
          if (help.open) {
            help.close();
          } else {
            help.showModal();
          }
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  select(items()[0]);
})();
