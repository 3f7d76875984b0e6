/* Click to load: an embedded video's player, post or chart is put in only when the reader
   asks for it, so the provider learns of no visit until then. Without JavaScript the
   placeholder's link to the original is all there is. The player's address comes from the page (data-embed-src),
   which the server wrote for an enabled provider; the CSP's frame-src allows only those. */

function loadPlayer(figure, placeholder) {
  const frame = document.createElement("iframe");
  frame.src = figure.dataset.embedSrc;
  frame.title = figure.dataset.embedTitle || "Embedded content";
  frame.allow = "autoplay; fullscreen; picture-in-picture";
  frame.allowFullscreen = true;
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  placeholder.replaceWith(frame);
  frame.focus();
}

for (const figure of document.querySelectorAll("figure.embed[data-embed-src]")) {
  const button = figure.querySelector(".embed__load");
  const placeholder = figure.querySelector(".embed__placeholder");
  if (button && placeholder) {
    button.hidden = false;
    button.addEventListener("click", () => loadPlayer(figure, placeholder), { once: true });
  }
}
