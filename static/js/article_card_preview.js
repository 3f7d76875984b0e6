/* The social/search card's preview beside its fields, kept up to date while typing: the
   social title, description and photo where set, else the headline, the standfirst and the
   hero photo (the server's rule, articles/seo.py social_card, drew it first). */
(function () {
  "use strict";
  function start() {
    const card = document.getElementById("nr-card-preview");
    const form = document.getElementById("article_form");
    if (!card || !form) {
      return;
    }
    const value = (name) => (form.querySelector(`[name="${name}"]`)?.value || "").trim();
    const title = card.querySelector(".nr-card__title");
    const description = card.querySelector(".nr-card__description");
    const cut = (text, size) => (text.length > size ? `${text.slice(0, size - 1)}…` : text);

    function text() {
      title.textContent = value("social_title") || value("headline") || "Headline";
      description.textContent = cut(value("social_description") || value("standfirst"), 200);
    }

    let asked = 0;
    async function image() {
      const id = value("social_photo") || value("hero_photo");
      const ask = ++asked;
      let url = "";
      if (/^\d+$/.test(id)) {
        try {
          const response = await fetch(`${card.dataset.photoUrl}?id=${id}`, {
            credentials: "same-origin",
          });
          url = response.ok ? (await response.json()).url : "";
        } catch {
          url = "";
        }
      }
      if (ask !== asked) {
        return; // a later choice answered first
      }
      const old = card.querySelector(".nr-card__image");
      let shown;
      if (url) {
        shown = document.createElement("img");
        shown.src = url;
        shown.alt = "";
        shown.width = 320;
        shown.height = 180;
      } else {
        shown = document.createElement("div");
        shown.textContent = "No image";
        shown.classList.add("nr-card__image--none");
      }
      shown.classList.add("nr-card__image");
      old.replaceWith(shown);
    }

    for (const name of ["headline", "standfirst", "social_title", "social_description"]) {
      form.querySelector(`[name="${name}"]`)?.addEventListener("input", text);
    }
    // The photo fields are autocomplete selects (select2 through jQuery): their "change".
    const $ = window.django?.jQuery;
    for (const name of ["social_photo", "hero_photo"]) {
      const select = form.querySelector(`[name="${name}"]`);
      if (!select) {
        continue;
      }
      select.addEventListener("change", image);
      if ($) {
        $(select).on("change", image);
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
