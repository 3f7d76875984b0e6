/* The moderation queue's keyboard shortcuts and in-place decisions.

   Without this file the queue still works: every comment has its own POST form. With it:
   j/k move, a/r/s decide the current comment without reloading the page, x selects it for a
   bulk decision, ? shows the help. Served from static/ so the Content-Security-Policy needs
   no inline script. */

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
const STAYS = new Set(["pick", "unpick"]);
// The shortcut keys: a decision on the current comment, or a move.
const DECISION_KEYS = {
  a: "approve",
  r: "reject",
  s: "spam",
  b: "ban",
  t: "trust",
  c: "keep",
  p: "pick",
  u: "unpick",
};

const list = document.querySelector(".mod-list");
const help = document.getElementById("mod-help");
const announcer = document.getElementById("mod-announce");
const cleared = document.querySelector(".mod-cleared");
const selectAll = document.getElementById("mod-select-all");
let current = null;

const items = () => [...list.querySelectorAll(".mod-item")];
const nameOf = (item) => item.querySelector(".mod-item__name").textContent;

function announce(text) {
  if (announcer) {
    announcer.textContent = text;
  }
}

function select(item, focus = true) {
  current?.classList.remove("is-current");
  current = item || null;
  if (!current) {
    return;
  }
  current.classList.add("is-current");
  if (focus) {
    current.focus({ preventScroll: true });
  }
  current.scrollIntoView({ block: "nearest" });
}

function move(step) {
  const all = items();
  if (!all.length) {
    return;
  }
  const index = all.indexOf(current);
  select(all[index < 0 ? 0 : Math.min(all.length - 1, Math.max(0, index + step))]);
}

function updateCounts(counts) {
  for (const [status, count] of Object.entries(counts || {})) {
    const tab = document.querySelector(`.mod-tabs [data-status="${status}"] .mod-count`);
    if (tab) {
      tab.textContent = count;
    }
  }
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

function removeDecided(item, decision, counts) {
  const all = items();
  const index = all.indexOf(item);
  const next = all[index + 1] || all[index - 1] || null;
  const name = nameOf(item);
  item.remove();
  updateCounts(counts);
  announce(`Comment by ${name} ${DONE[decision]}.`);
  select(next);
  if (!items().length && cleared) {
    if (list.dataset.status === "pending" && counts?.pending === 0) {
      cleared.querySelector(".mod-cleared__text").textContent =
        "The queue is clear: nothing is waiting for a decision.";
    }
    cleared.hidden = false;
    cleared.querySelector("a").focus();
  }
}

async function decide(item, decision) {
  if (!item || !decision || item.classList.contains("is-busy")) {
    return;
  }
  const form = item.querySelector("form.mod-item__actions");
  const data = new FormData(form);
  data.set("decision", decision);
  item.classList.add("is-busy");
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    const body = await response.json();
    if (!response.ok) {
      throw new Error((body.errors || []).join(" ") || response.statusText);
    }
    if (STAYS.has(decision)) {
      item.classList.remove("is-busy");
      announce(`Comment by ${nameOf(item)} ${DONE[decision]}. Reload to see the change.`);
      return;
    }
    removeDecided(item, decision, body.counts);
  } catch (error) {
    item.classList.remove("is-busy");
    showError(item, error.message);
  }
}

function toggleSelected(item) {
  const box = item?.querySelector(".mod-item__select");
  if (box) {
    box.checked = !box.checked;
  }
}

function toggleHelp() {
  if (!help) {
    return;
  }
  if (help.open) {
    help.close();
  } else {
    help.showModal();
  }
}

function onKey(event) {
  const target = event.target;
  const typing =
    target.isContentEditable ||
    (target.matches("input, textarea, select") && target.type !== "checkbox");
  if (typing || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  if (help?.open && event.key !== "?") {
    return;
  }
  if (event.key in DECISION_KEYS) {
    decide(current, DECISION_KEYS[event.key]);
  } else if (event.key === "j") {
    move(1);
  } else if (event.key === "k") {
    move(-1);
  } else if (event.key === "x") {
    toggleSelected(current);
  } else if (event.key === "?") {
    toggleHelp();
  } else {
    return;
  }
  event.preventDefault();
}

if (list) {
  // Clicking a button decides in place too; `event.submitter` says which one.
  list.addEventListener("submit", (event) => {
    const form = event.target.closest("form.mod-item__actions");
    if (!form || !event.submitter) {
      return;
    }
    event.preventDefault();
    decide(form.closest(".mod-item"), event.submitter.value);
  });
  list.addEventListener("click", (event) => {
    const item = event.target.closest(".mod-item");
    if (item && item !== current) {
      select(item, false);
    }
  });
  if (selectAll) {
    selectAll.closest("label").hidden = false;
    selectAll.addEventListener("change", () => {
      for (const item of items()) {
        item.querySelector(".mod-item__select").checked = selectAll.checked;
      }
    });
  }
  document.addEventListener("keydown", onKey);
  select(items()[0]);
}
