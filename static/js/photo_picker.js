/* The article form's photos: the library as a grid of thumbnails (the hero photo's button
   and the body editor's "insert photo" both open it), uploads from it, the chosen hero
   photo's focal point, and the pop-up that completes a photo's alt text and credit. The
   "cannot be published" notice is asked again from the server (photo-notice/) whenever
   the hero photo, the photos in the text or a photo's credits change, without a save.

   Under the admin's CSP: a module from 'self' (the import map names it for the editor),
   no inline handler or style; dialogs are <dialog> elements, so the browser keeps the
   focus inside them, Escape closes them and focus returns to the button that opened them.
   The endpoints are articles/admin.py's (PhotoAdmin.picker_view and the views beside it). */
import { attachFocalPoint, describeFocalPoint } from "newsroom/photo-focal";

const config = () => document.querySelector("[data-photo-picker]")?.dataset || null;

function csrfToken() {
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
}

function photoUrl(template, id) {
  return template.replace(/\/0\/([a-z]+)\/$/, `/${id}/$1/`);
}

function element(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child != null));
  return node;
}

async function send(url, body) {
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    credentials: "same-origin",
  });
  let data = {};
  try {
    data = await response.json();
  } catch {
    data = { error: `The server answered ${response.status}.` };
  }
  return { ok: response.ok, status: response.status, data };
}

async function fetchPhotos(params) {
  const cfg = config();
  const response = await fetch(`${cfg.pickerUrl}?${new URLSearchParams(params)}`, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || `The server answered ${response.status}.`);
  return data;
}

/* What a photo still lacks, in words, for the grid and the chosen photo. */
function lacks(photo) {
  return photo.missing.map((what) => `no ${what}`).join(", ");
}

function thumbnail(photo) {
  if (photo.thumb) {
    return element("img", {
      src: photo.thumb,
      alt: "",
      loading: "lazy",
      width: 160,
      height: photo.width ? Math.round((160 * photo.height) / photo.width) : null,
    });
  }
  return element("span", { className: "nr-picker__pending", text: photo.status_label });
}

/* --- The picker: search, a grid of thumbnails, more, upload -------------------------- */

function gridKeys(grid) {
  grid.addEventListener("keydown", (event) => {
    const buttons = [...grid.querySelectorAll(".nr-picker-item")];
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    const top = buttons[0].offsetTop;
    const columns = Math.max(1, buttons.filter((b) => b.offsetTop === top).length);
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns };
    const target = buttons[index + (moves[event.key] || 0)];
    if (moves[event.key] && target) {
      event.preventDefault();
      target.focus();
    }
  });
}

function uploadForm(onUploaded) {
  const errors = element("div", { className: "nr-picker-errors", role: "alert" });
  const field = (name, label, input, help) => {
    input.id = `nr-upload-${name}`;
    input.name = name;
    const helpId = help ? `${input.id}-help` : null;
    if (helpId) input.setAttribute("aria-describedby", helpId);
    return element(
      "p",
      { className: "nr-picker-field" },
      element("label", { for: input.id, text: label }),
      input,
      help ? element("span", { className: "help", id: helpId, text: help }) : null,
    );
  };
  const form = element(
    "form",
    { className: "nr-picker-upload-form", enctype: "multipart/form-data", novalidate: true },
    field(
      "image",
      "Photo file",
      element("input", { type: "file", accept: "image/jpeg,image/png,image/webp", required: true }),
      "JPEG, PNG or WebP. Location and camera data are removed.",
    ),
    field("alt_text", "Alt text", element("input", { type: "text", maxlength: 300, required: true })),
    field("credit_name", "Credit (photographer)", element("input", { type: "text", maxlength: 120 })),
    field("caption", "Caption", element("textarea", { rows: 2 })),
    errors,
    element("button", { type: "submit", className: "button", text: "Upload and choose" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.textContent = "Uploading…";
    const { ok, data } = await send(config().uploadUrl, new FormData(form));
    if (!ok) {
      showErrors(form, errors, data);
      return;
    }
    errors.textContent = "";
    form.reset();
    onUploaded(data.photo);
  });
  return element(
    "details",
    { className: "nr-picker-upload" },
    element("summary", { text: "Upload a new photo" }),
    form,
  );
}

function showErrors(form, box, data) {
  box.replaceChildren();
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  const fields = data.errors || {};
  box.append(element("p", { text: data.error || "Not saved." }));
  const list = element("ul");
  for (const [name, messages] of Object.entries(fields)) {
    const input = form.querySelector(`[name=${CSS.escape(name)}]`);
    const label = input ? form.querySelector(`label[for=${CSS.escape(input.id)}]`)?.textContent : "";
    input?.setAttribute("aria-invalid", "true");
    list.append(element("li", { text: `${label || name}: ${messages.join(" ")}` }));
  }
  if (list.childElementCount) box.append(list);
  form.querySelector("[aria-invalid]")?.focus();
}

/* Open the library; resolves with the chosen photo, or null when closed without one. */
export function pickPhoto({ title = "Choose a photo" } = {}) {
  if (!config()) return Promise.resolve(null);
  return new Promise((resolve) => {
    let chosen = null;
    let page = 1;
    let search = "";
    const titleId = "nr-picker-title";
    const grid = element("ul", { className: "nr-picker-grid", "aria-labelledby": titleId });
    const count = element("p", { className: "nr-picker-count", role: "status" });
    const more = element("button", { type: "button", className: "button", text: "More photos", hidden: true });
    const query = element("input", { type: "search", id: "nr-picker-q", name: "q", maxlength: 200 });
    const searchForm = element(
      "form",
      { className: "nr-picker-search", role: "search" },
      element("label", { for: "nr-picker-q", text: "Search alt text, caption and credit" }),
      query,
      element("button", { type: "submit", className: "button", text: "Search" }),
    );
    const close = element("button", { type: "button", className: "button nr-picker-close", text: "Close" });
    const dialog = element(
      "dialog",
      { className: "nr-picker-dialog", "aria-labelledby": titleId },
      element("div", { className: "nr-picker-head" }, element("h2", { id: titleId, text: title }), close),
      searchForm,
      count,
      grid,
      element("p", {}, more),
      uploadForm((photo) => {
        chosen = photo;
        dialog.close();
      }),
    );
    const item = (photo) => {
      const button = element(
        "button",
        { type: "button", className: "nr-picker-item", "data-photo-id": photo.id },
        thumbnail(photo),
        element("span", {
          className: "nr-picker-item__alt",
          text: photo.alt_text || `Photo ${photo.id}, no alt text`,
        }),
        element("span", {
          className: "nr-picker-item__credit",
          text: photo.credit_name ? `Photo: ${photo.credit_name}` : "No credit",
        }),
        photo.caption ? element("span", { className: "nr-picker-item__caption", text: photo.caption }) : null,
        photo.missing.length
          ? element("span", { className: "nr-picker-item__missing", text: `Cannot be published: ${lacks(photo)}` })
          : null,
      );
      button.addEventListener("click", () => {
        chosen = photo;
        dialog.close();
      });
      return element("li", {}, button);
    };
    const load = async (reset) => {
      if (reset) {
        page = 1;
        grid.replaceChildren();
      }
      count.textContent = "Loading…";
      try {
        const data = await fetchPhotos({ q: search, page });
        grid.append(...data.results.map(item));
        const shown = grid.childElementCount;
        count.textContent = shown
          ? `${shown}${data.has_next ? "+" : ""} photo${shown === 1 ? "" : "s"}${search ? ` for “${search}”` : ""}.`
          : search
            ? `No photo for “${search}”.`
            : "The library is empty: upload a photo below.";
        more.hidden = !data.has_next;
      } catch (error) {
        count.textContent = error.message;
      }
    };
    searchForm.addEventListener("submit", (event) => {
      event.preventDefault();
      search = query.value.trim();
      load(true);
    });
    more.addEventListener("click", () => {
      page += 1;
      const focusFrom = grid.childElementCount;
      load(false).then(() => grid.querySelectorAll(".nr-picker-item")[focusFrom]?.focus());
    });
    close.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(chosen);
    });
    gridKeys(grid);
    document.body.append(dialog);
    dialog.showModal();
    query.focus();
    load(true);
  });
}

/* --- A photo inside the text, as the editor shows it ---------------------------------- */

const described = new Map();

function describe(id) {
  // Asked once per photo and page; a photo completed in the pop-up is drawn anew.
  id = String(id);
  if (!described.has(id)) {
    described.set(
      id,
      fetchPhotos({ ids: id })
        .then((data) => data.results[0] || null)
        .catch(() => null),
    );
  }
  return described.get(id);
}

/* A Tiptap node view for <figure data-photo-id>: its thumbnail, alt text and credit (what
   the page will show), or what it lacks. The stored HTML is the node's own renderHTML, a
   bare reference, whatever this view draws. */
export function photoNodeView({ node }) {
  const dom = element("figure", {
    className: "nr-body-photo",
    "data-photo-id": node.attrs.id,
    contenteditable: "false",
  });
  const draw = (photo) => {
    if (!photo) {
      dom.replaceChildren(
        element("figcaption", { className: "nr-warning", text: `Photo no. ${node.attrs.id}: not in the library (deleted?)` }),
      );
      return;
    }
    dom.replaceChildren(
      thumbnail(photo),
      element(
        "figcaption",
        {},
        element("span", { className: "nr-body-photo__alt", text: photo.alt_text || "No alt text" }),
        element("span", { text: photo.credit_name ? ` · Photo: ${photo.credit_name}` : "" }),
        photo.missing.length
          ? element("span", { className: "nr-warning", text: ` · Cannot be published: ${lacks(photo)}` })
          : null,
      ),
    );
  };
  dom.append(element("figcaption", { text: `Photo no. ${node.attrs.id}` }));
  describe(node.attrs.id).then(draw);
  const changed = (event) => {
    if (String(event.detail.id) === String(node.attrs.id)) {
      described.set(String(node.attrs.id), Promise.resolve(event.detail));
      draw(event.detail);
    }
  };
  document.addEventListener("photo-picker:photo-changed", changed);
  return { dom, destroy: () => document.removeEventListener("photo-picker:photo-changed", changed) };
}

/* --- The chosen hero photo ------------------------------------------------------------- */

function renderChosen(container, photo, label) {
  container.replaceChildren();
  if (!photo) {
    container.append(element("p", { className: "nr-picker__none", text: `No ${label} chosen.` }));
    return;
  }
  const picture = photo.thumb || photo.preview;
  const focal = element(
    "div",
    {
      className: "nr-focal",
      "data-focal": true,
      "data-photo-id": photo.id,
      "data-focal-x": photo.focal_x,
      "data-focal-y": photo.focal_y,
    },
    picture
      ? element("img", { src: picture, alt: "", className: "nr-thumb", width: 160 })
      : element("span", { className: "nr-picker__pending", text: photo.status_label }),
  );
  const credit = photo.credit_name
    ? element("p", { className: "nr-credit", text: `Photo: ${photo.credit_name}` })
    : element("p", { className: "nr-credit" }, element("strong", { className: "nr-warning", text: "Photo: no credit" }));
  const alt = photo.alt_text
    ? element("p", { text: photo.alt_text.length > 140 ? `${photo.alt_text.slice(0, 139)}…` : photo.alt_text })
    : element("p", {}, element("strong", { className: "nr-warning", text: "No alt text" }));
  const about = element(
    "p",
    { className: "help" },
    `No. ${photo.id} · ${photo.status_label} · `,
    element("a", { href: photo.change_url, text: "the photo's page" }),
  );
  container.append(focal, element("div", { className: "nr-chosen__text" }, credit, alt, about));
  setUpFocal(container, photo);
}

/* The chosen photo's focal point: each move is saved at once (the crops are remade and the
   pages showing the photo purged), when this user may change the photo. */
function setUpFocal(container, photo) {
  const box = container.querySelector("[data-focal]");
  if (!box || !photo.editable || !(photo.thumb || photo.preview)) {
    if (box) attachFocalPoint(box);
    return;
  }
  const status = element("p", { className: "help nr-focal__status", role: "status" });
  container.querySelector(".nr-chosen__text")?.append(status);
  let timer = null;
  attachFocalPoint(box, {
    label: "Focal point of the hero photo",
    onChange: (x, y) => {
      window.clearTimeout(timer);
      status.textContent = `Focal point ${describeFocalPoint(x, y)}…`;
      timer = window.setTimeout(async () => {
        const body = new FormData();
        body.set("focal_x", String(x));
        body.set("focal_y", String(y));
        const { ok, data } = await send(photoUrl(config().focalUrl, photo.id), body);
        status.textContent = ok
          ? `Focal point saved, ${describeFocalPoint(x, y)}: the crops are being remade.`
          : `Not saved: ${data.error}`;
        if (ok) Object.assign(photo, data.photo);
      }, 400);
    },
  });
  status.textContent = "Click the picture to set the point every crop keeps.";
}

function heroWidget(widget) {
  const input = widget.querySelector("input[type=hidden]");
  const chosen = widget.querySelector("[data-picker-chosen]");
  const clear = widget.querySelector("[data-picker-clear]");
  const label = widget.dataset.label || "photo";
  let photo = null;
  try {
    photo = JSON.parse(widget.dataset.photo || "null");
  } catch {
    photo = null;
  }
  const choose = (newPhoto) => {
    photo = newPhoto;
    input.value = photo ? String(photo.id) : "";
    input.dispatchEvent(new Event("change", { bubbles: true }));
    renderChosen(chosen, photo, label);
    clear.hidden = !photo;
    refreshNotice();
  };
  if (photo) setUpFocal(chosen, photo);
  widget.querySelector("[data-picker-open]").addEventListener("click", async () => {
    const picked = await pickPhoto({ title: `Choose the ${label}` });
    if (picked) choose(picked);
  });
  clear.addEventListener("click", () => {
    choose(null);
    widget.querySelector("[data-picker-open]").focus();
  });
  // A photo completed in the pop-up: show its new credit.
  document.addEventListener("photo-picker:photo-changed", (event) => {
    if (photo && event.detail.id === photo.id) renderChosen(chosen, event.detail, label);
  });
}

/* --- The notice, and the pop-up that completes a photo --------------------------------- */

let noticeTimer = null;
let lastAsked = "";

export function refreshNotice({ force = true } = {}) {
  const notice = document.querySelector("[data-photo-notice]");
  if (!notice) return Promise.resolve();
  const hero = document.querySelector("[data-photo-picker] input[type=hidden]")?.value || "";
  const body = document.querySelector("textarea[name=body]")?.value || "";
  const photos = [...body.matchAll(/data-photo-id="(\d+)"/g)].map((m) => m[1]).join(",");
  const asking = `${hero}|${photos}`;
  if (!force && asking === lastAsked) return Promise.resolve();
  lastAsked = asking;
  const data = new FormData();
  data.set("hero_photo", hero);
  data.set("body", body);
  return send(notice.dataset.url, data).then(({ ok, data: answer }) => {
    if (ok) notice.innerHTML = answer.html;
  });
}

function field(name, label, input, value) {
  input.id = `nr-credits-${name}`;
  input.name = name;
  input.value = value || "";
  return element(
    "p",
    { className: "nr-picker-field" },
    element("label", { for: input.id, text: label }),
    input,
  );
}

export async function completePhoto(id) {
  const found = await fetchPhotos({ ids: String(id) });
  const photo = found.results[0];
  if (!photo) return null;
  return new Promise((resolve) => {
    let saved = null;
    const errors = element("div", { className: "nr-picker-errors", role: "alert" });
    const form = element(
      "form",
      { className: "nr-credits-form", novalidate: true },
      field("alt_text", "Alt text (what the picture shows, for people who cannot see it)", element("textarea", { rows: 3, maxlength: 300 }), photo.alt_text),
      field("credit_name", "Credit (the photographer's name)", element("input", { type: "text", maxlength: 120 }), photo.credit_name),
      field("credit_url", "The photographer's page (optional)", element("input", { type: "url" }), photo.credit_url),
      field("caption", "Caption (optional)", element("textarea", { rows: 2 }), photo.caption),
      errors,
      element(
        "p",
        { className: "nr-credits-buttons" },
        element("button", { type: "submit", className: "button default", text: "Save the photo" }),
        " ",
        element("button", { type: "button", className: "button", "data-cancel": true, text: "Cancel" }),
      ),
    );
    const titleId = "nr-credits-title";
    const dialog = element(
      "dialog",
      { className: "nr-credits-dialog", "aria-labelledby": titleId },
      element("h2", { id: titleId, text: `Complete photo no. ${photo.id}` }),
      element("div", { className: "nr-credits-photo" }, thumbnail(photo)),
      element("p", { className: "help", text: "Saved on the photo at once: every article using it shows the new text." }),
      form,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const { ok, data } = await send(photoUrl(config().creditsUrl, photo.id), new FormData(form));
      if (!ok) {
        showErrors(form, errors, data);
        return;
      }
      saved = data.photo;
      dialog.close();
    });
    form.querySelector("[data-cancel]").addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (saved) {
        document.dispatchEvent(new CustomEvent("photo-picker:photo-changed", { detail: saved }));
        refreshNotice().then(() => {
          // The button that opened the pop-up is gone with the old notice: focus the notice.
          const notice = document.querySelector("[data-photo-notice]");
          notice?.setAttribute("tabindex", "-1");
          notice?.focus();
        });
      }
      resolve(saved);
    });
    document.body.append(dialog);
    dialog.showModal();
    form.querySelector("textarea, input")?.focus();
  });
}

function noticeButtons() {
  const notice = document.querySelector("[data-photo-notice]");
  notice?.addEventListener("click", (event) => {
    const button = event.target.closest("[data-complete-photo]");
    if (button) completePhoto(Number(button.dataset.completePhoto));
  });
  // The text's photos: asked again once typing pauses, when the set of photos changed.
  const body = document.querySelector("textarea[name=body]");
  body?.addEventListener("input", () => {
    window.clearTimeout(noticeTimer);
    noticeTimer = window.setTimeout(() => refreshNotice({ force: false }), 600);
  });
  if (body) {
    const hero = document.querySelector("[data-photo-picker] input[type=hidden]")?.value || "";
    const photos = [...body.value.matchAll(/data-photo-id="(\d+)"/g)].map((m) => m[1]).join(",");
    lastAsked = `${hero}|${photos}`;
  }
}

for (const widget of document.querySelectorAll("[data-photo-picker]")) {
  heroWidget(widget);
}
noticeButtons();
