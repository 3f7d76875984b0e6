/* A live blog's page (templates/live/article_live.html) keeping up without reloading.

   Every reader's page polls one URL per blog (data-poll-url): the same bytes for everyone,
   kept by the front until an entry changes, so a million readers cost the app one render
   per change. It lists the newest entries as [id, revision]; this script works out what
   is new, fetches each new entry from its own cacheable URL, and shows "N new updates"
   rather than moving the page under the reader. A click puts them on top. An edited entry
   is replaced where it stands, a withdrawn one removed. Without JavaScript the bar's link
   reloads the page, which the front keeps fresh. */

const section = document.querySelector("section.live[data-poll-url]");

if (section) {
  const pollUrl = section.dataset.pollUrl;
  const seconds = Math.max(1, Number(section.dataset.pollSeconds) || 10);
  const entryUrl = (id) => section.dataset.entryUrl.replace(/\/0\/$/, `/${id}/`);
  const firstPage = section.dataset.page === "1";
  const list = section.querySelector("[data-live-entries]");
  const news = section.querySelector(".live__news");
  let version = Number(section.dataset.version);
  const waiting = new Map(); // id → the fetched entry, newest first, not yet shown
  let button = null;

  const shown = () => [...list.querySelectorAll("[data-entry-id]")];
  const idOf = (element) => Number(element.dataset.entryId);

  async function fetchEntry(id) {
    const response = await fetch(entryUrl(id), { cache: "no-cache" });
    if (!response.ok) {
      return null;
    }
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const entry = doc.querySelector("[data-entry-id]");
    return entry ? document.importNode(entry, true) : null;
  }

  /* Click-to-load videos in entries that arrive after the page (embeds.js wired the rest). */
  function wireEmbeds(root) {
    for (const figure of root.querySelectorAll("figure.embed[data-embed-src]")) {
      const load = figure.querySelector(".embed__load");
      const placeholder = figure.querySelector(".embed__placeholder");
      if (!load || !placeholder) {
        continue;
      }
      load.hidden = false;
      load.addEventListener(
        "click",
        () => {
          const frame = document.createElement("iframe");
          frame.src = figure.dataset.embedSrc;
          frame.title = figure.dataset.embedTitle || "Video";
          frame.allow = "autoplay; fullscreen; picture-in-picture";
          frame.allowFullscreen = true;
          frame.referrerPolicy = "strict-origin-when-cross-origin";
          placeholder.replaceWith(frame);
          frame.focus();
        },
        { once: true },
      );
    }
  }

  function showCount() {
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "live__more";
      button.addEventListener("click", showWaiting);
      news.replaceChildren(button);
    }
    const count = waiting.size;
    button.hidden = count === 0;
    button.textContent = `${count} new update${count === 1 ? "" : "s"}`;
  }

  function showWaiting() {
    const fresh = [...waiting.values()];
    waiting.clear();
    list.querySelector(".live__empty")?.remove();
    for (const entry of fresh.reverse()) {
      entry.classList.add("live-entry--new");
      wireEmbeds(entry);
      list.prepend(entry);
    }
    showCount();
    if (fresh.length) {
      const newest = list.firstElementChild;
      newest.tabIndex = -1;
      newest.focus({ preventScroll: true });
      newest.scrollIntoView({ block: "start", behavior: "smooth" });
    }
  }

  async function poll() {
    let data;
    try {
      const response = await fetch(pollUrl, { cache: "no-cache" });
      if (!response.ok) {
        return true;
      }
      data = await response.json();
    } catch {
      return true; // offline for a moment: try again next time
    }
    if (data.version === version) {
      return data.live;
    }
    version = data.version;
    const listed = new Map(data.entries.map(([id, revision]) => [id, revision]));
    const onPage = shown();
    // Edited entries are replaced where they stand; withdrawn ones (missing from the list
    // while an older one of the page is still in it) are removed.
    const lastListed = onPage.findLastIndex((element) => listed.has(idOf(element)));
    for (const [index, element] of onPage.entries()) {
      const id = idOf(element);
      if (!listed.has(id)) {
        if (index < lastListed) {
          element.remove();
        }
      } else if (String(listed.get(id)) !== element.dataset.rev) {
        const fresh = await fetchEntry(id);
        if (fresh) {
          wireEmbeds(fresh);
          element.replaceWith(fresh);
        }
      }
    }
    for (const id of waiting.keys()) {
      if (!listed.has(id)) {
        waiting.delete(id);
      }
    }
    if (firstPage) {
      // New: what the list has above the newest entry this page already shows.
      const known = new Set(shown().map(idOf));
      const ids = [];
      for (const [id] of data.entries) {
        if (known.has(id)) {
          break;
        }
        if (!waiting.has(id)) {
          ids.push(id);
        }
      }
      const fetched = await Promise.all(ids.map(fetchEntry));
      const ordered = new Map();
      for (const [id] of data.entries) {
        const index = ids.indexOf(id);
        if (waiting.has(id)) {
          ordered.set(id, waiting.get(id));
        } else if (index >= 0 && fetched[index]) {
          ordered.set(id, fetched[index]);
        }
      }
      waiting.clear();
      for (const [id, entry] of ordered) {
        waiting.set(id, entry);
      }
      showCount();
    }
    return data.live;
  }

  async function loop() {
    const live = document.hidden ? true : await poll();
    if (live) {
      window.setTimeout(loop, seconds * 1000);
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      poll();
    }
  });
  // Readers who opened the page at the same moment do not all ask at the same moment.
  window.setTimeout(loop, seconds * 1000 * (0.5 + Math.random() / 2));
}
