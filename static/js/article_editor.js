/* The article body's rich text editor: django-prose-editor's Tiptap build, configured for
   the newsroom. What it can make is what the server keeps (articles/body.py): headings h2
   and h3, bold, italic, links, lists, block quotes, the boxed aside, and figures that are
   references to a photo or an embed (expanded when the page renders).

   Under the admin's CSP: loaded as a module from 'self' through the import map the change
   form prints with the request's nonce; Tiptap's CSS injection is off, its styles are
   static/css/tiptap.css. Pasting from Google Docs or Word needs no code here: the schema
   reads bold and italic from the spans' styles, ignores the Docs wrapper, and drops every
   other style, class and comment (the server cleans the same way on save). */
import {
  Blockquote,
  Bold,
  BulletList,
  Document,
  Dropcursor,
  Editor,
  Gapcursor,
  HardBreak,
  Heading,
  History,
  Italic,
  Link,
  ListItem,
  Menu,
  Node,
  OrderedList,
  Paragraph,
  Plugin,
  Text,
  updateAttrsDialog,
} from "django-prose-editor/editor";
import { photoNodeView, pickPhoto } from "newsroom/photo-picker";

/* The boxed analysis: <aside class="aside"> holding blocks, its title an h2.aside__title. */
const Aside = Node.create({
  name: "aside",
  group: "block",
  content: "block+",
  defining: true,
  parseHTML() {
    return [{ tag: "aside" }];
  },
  renderHTML() {
    return ["aside", { class: "aside" }, 0];
  },
  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "aside",
      groups: "nodes",
      button: buttons.material("dashboard", "boxed aside"),
      active: (editor) => editor.isActive("aside"),
      command: (editor) => {
        if (editor.isActive("aside")) {
          editor.chain().focus().lift("aside").run();
        } else {
          editor.chain().focus().wrapIn("aside").run();
        }
      },
    });
  },
});

/* The aside's title keeps its class on the h2 (the page's stylesheet draws it). */
const AsideTitle = Heading.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      class: {
        default: null,
        parseHTML: (element) =>
          element.classList.contains("aside__title") ? "aside__title" : null,
        renderHTML: (attributes) => (attributes.class ? { class: attributes.class } : {}),
      },
    };
  },
});

const embedDialog = updateAttrsDialog(
  {
    url: {
      type: "string",
      format: "url",
      title: "Address (YouTube, Vimeo, X, Bluesky or any https page)",
      required: true,
    },
  },
  { title: "Embed a link" },
);

/* A photo from the library, by reference: <figure data-photo-id="12"></figure>. The page
   renders its renditions, caption and credit; the editor shows a labelled box. */
const Photo = Node.create({
  name: "photo",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return { id: { default: null, parseHTML: (el) => el.getAttribute("data-photo-id") } };
  },
  parseHTML() {
    return [{ tag: "figure[data-photo-id]" }];
  },
  renderHTML({ node }) {
    return ["figure", { "data-photo-id": node.attrs.id }];
  },
  addNodeView() {
    return photoNodeView;  // its thumbnail and credit, as the picker shows them
  },
  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "photo",
      groups: "nodes",
      button: buttons.material("image", "insert photo"),
      command: (editor) => {
        // The library's grid of thumbnails (static/js/photo_picker.js), uploads included.
        pickPhoto({ title: "Put a photo in the text" }).then((photo) => {
          if (photo) {
            editor.chain().focus().insertContent({ type: "photo", attrs: { id: String(photo.id) } }).run();
          }
        });
      },
    });
  },
});

const isHttpsUrl = (text) => /^https:\/\/[^\s<>"]+$/.test(text);

/* An embed by reference: <figure data-embed-url="https://…"></figure>. Pasting a lone
   https link into an empty paragraph makes one; the page decides how to show it. */
const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return { url: { default: null, parseHTML: (el) => el.getAttribute("data-embed-url") } };
  },
  parseHTML() {
    return [{ tag: "figure[data-embed-url]" }];
  },
  renderHTML({ node }) {
    return ["figure", { "data-embed-url": node.attrs.url }];
  },
  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      button: buttons.material("smart_display", "embed a link"),
      command: (editor) => {
        embedDialog(editor, {}).then((attrs) => {
          const url = attrs && String(attrs.url).trim();
          if (url && isHttpsUrl(url)) {
            editor.chain().focus().insertContent({ type: "embed", attrs: { url } }).run();
          }
        });
      },
    });
  },
  addProseMirrorPlugins() {
    const type = this.type;
    return [
      new Plugin({
        props: {
          handlePaste(view, event) {
            const text = (event.clipboardData?.getData("text/plain") || "").trim();
            const { $from, empty } = view.state.selection;
            if (!empty || !isHttpsUrl(text) || $from.parent.content.size !== 0) {
              return false;
            }
            if ($from.parent.type.name !== "paragraph" || $from.depth !== 1) {
              return false;
            }
            view.dispatch(view.state.tr.replaceSelectionWith(type.create({ url: text })));
            return true;
          },
        },
      }),
    ];
  },
});

/* Before ProseMirror reads a paste: what its schema cannot tell by itself. Google Docs wraps
   everything in <b id="docs-internal-guid-…" style="font-weight:normal">, which is not bold;
   the line breaks it puts between blocks are spacing; h1 is the headline's alone, and h4-h6
   are the smaller heading here. Bold and italic spans are read from the style attribute's
   text: under the CSP the parsed styles are never applied, so ProseMirror's own style
   rules would see nothing. Then every style goes. The same rules as the server's cleaner
   (articles/body.py). */
const styleOf = (element) =>
  Object.fromEntries(
    (element.getAttribute("data-pasted-style") || "")
      .split(";")
      .map((part) => part.split(":").map((s) => s.trim().toLowerCase()))
      .filter(([name]) => name),
  );
const isBold = (weight) => /^(bold|bolder)$/.test(weight || "") || Number(weight) >= 600;

function wrapIn(doc, node, tag) {
  const wrapper = doc.createElement(tag);
  node.replaceWith(wrapper);
  wrapper.append(node);
  return wrapper;
}

function cleanPastedHTML(html) {
  // Styles renamed inside the tags before parsing: a style attribute parsed under the CSP
  // is a (harmless, blocked) violation report for every span of the paste.
  const renamed = html.replace(/<[^>]*>/g, (tag) =>
    tag.replace(/\sstyle\s*=/gi, " data-pasted-style="),
  );
  const doc = new DOMParser().parseFromString(renamed, "text/html");
  for (const wrapper of doc.querySelectorAll("b[id^='docs-internal-guid']")) {
    wrapper.replaceWith(...wrapper.childNodes);
  }
  for (const br of doc.querySelectorAll("body > br")) {
    br.remove();
  }
  for (const span of doc.querySelectorAll("span[data-pasted-style]")) {
    const style = styleOf(span);
    let outer = span;
    if (style["font-style"] === "italic") outer = wrapIn(doc, outer, "em");
    if (isBold(style["font-weight"])) wrapIn(doc, outer, "strong");
  }
  for (const styled of doc.querySelectorAll("[data-pasted-style], [style]")) {
    styled.removeAttribute("data-pasted-style");
    styled.removeAttribute("style");
  }
  for (const heading of doc.querySelectorAll("h1, h4, h5, h6")) {
    const renamed = doc.createElement(heading.tagName === "H1" ? "h2" : "h3");
    renamed.append(...heading.childNodes);
    heading.replaceWith(renamed);
  }
  return doc.body.innerHTML;
}

// An empty document is one empty paragraph: stored as nothing (a lone figure is content).
/* Numbered lists: a start number, nothing else (the package's list styles would write
   type and data-type attributes the page neither allows nor needs). */
const NumberedList = OrderedList.extend({
  addOptions() {
    return { ...this.parent?.(), enableListAttributes: false };
  },
  addAttributes() {
    return {
      start: {
        default: 1,
        parseHTML: (element) => Number.parseInt(element.getAttribute("start") || "1", 10) || 1,
        renderHTML: (attributes) => (attributes.start === 1 ? {} : { start: attributes.start }),
      },
    };
  },
});

function actuallyEmpty(html) {
  return html === "<p></p>" ? "" : html;
}

/* Word count and reading time under the editor, as the page will show it ("N min read"). */
function showLength(editor, element, wordsPerMinute) {
  const line = document.createElement("p");
  line.className = "nr-body-length help";
  line.setAttribute("aria-live", "polite");
  element.after(line);
  const update = () => {
    const words = editor.getText({ blockSeparator: " " }).split(/\s+/).filter(Boolean).length;
    const minutes = Math.max(1, Math.ceil(words / wordsPerMinute));
    line.textContent = `${words} ${words === 1 ? "word" : "words"} · ${minutes} min read`;
  };
  update();
  editor.on("update", update);
}

export function createArticleEditor(textarea) {
  const disabled = textarea.hasAttribute("disabled");
  const element = document.createElement("div");
  element.className = `prose-editor${disabled ? " disabled" : ""}`;
  textarea.before(element);
  element.append(textarea);
  const editor = new Editor({
    element,
    editable: !disabled,
    injectCSS: false,
    editorProps: { transformPastedHTML: cleanPastedHTML },
    extensions: [
      Document,
      Paragraph,
      Text,
      HardBreak,
      AsideTitle.configure({ levels: [2, 3] }),
      Bold,
      Italic,
      Link.configure({ enableTarget: false, protocols: ["http", "https", "mailto"] }),
      BulletList,
      NumberedList,
      ListItem,
      Blockquote,
      Aside,
      Photo,
      Embed,
      History,
      Dropcursor,
      Gapcursor,
      Menu,
    ],
    content: textarea.value,
    onUpdate({ editor }) {
      textarea.value = actuallyEmpty(editor.getHTML());
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
  // For the browser tests: the editor of this field.
  element.articleEditor = editor;
  showLength(editor, element, Number(textarea.dataset.wordsPerMinute) || 230);
  textarea.dispatchEvent(new CustomEvent("article-editor:ready", { bubbles: true }));
  return editor;
}

for (const textarea of document.querySelectorAll("textarea[data-article-editor]")) {
  createArticleEditor(textarea);
}
