// The report reader: the vendored pdf.js draws each page with its text layer (select, copy,
// find), only when it comes near the screen (a 3,000-page file must not freeze the tab).
// Zoom, page navigation, thumbnails, keyboard, and a Print button that prints every page.
// No eval, no inline code or styles (CSP): styles are set through the CSSOM only.
const root = document.querySelector("[data-pdf-viewer]");
const ZOOMS = ["fit-width", "fit-page", "0.5", "0.75", "1", "1.25", "1.5", "2"];
const PRINT_SCALE = 2; // about 150 dpi: sharp on paper, bounded memory

const state = {
  pdfjs: null,
  doc: null,
  sizes: [], // unscaled page sizes, filled as pages are fetched (page 1's until then)
  slots: [],
  zoom: "fit-width",
  scale: 1,
  rendered: new Map(), // page number -> scale it was drawn at
  texts: new Map(), // page number -> text content items
  matches: [],
  match: -1,
  query: "",
};

const $ = (sel) => root.querySelector(sel);
const status = (text) => { $(".pdf-status").textContent = text; };
// Strings come from the page language's JavaScript catalogue (base.html loads it first).
const pageCount = (n) => interpolate(ngettext("%s page", "%s pages", n), [n]);

function scaleFor(n) {
  const size = state.sizes[n - 1] || state.sizes[0];
  const pages = $(".pdf-pages");
  const width = Math.max(pages.clientWidth - 24, 120);
  if (state.zoom === "fit-width") return width / size.width;
  if (state.zoom === "fit-page") {
    const height = Math.max(pages.clientHeight - 24, 120);
    return Math.min(width / size.width, height / size.height);
  }
  return Number(state.zoom) * (96 / 72);
}

function layout() {
  state.scale = scaleFor(1);
  state.slots.forEach((slot, i) => {
    const size = state.sizes[i] || state.sizes[0];
    const scale = scaleFor(i + 1);
    slot.style.width = `${Math.floor(size.width * scale)}px`;
    slot.style.height = `${Math.floor(size.height * scale)}px`;
    slot.style.setProperty("--scale-factor", String(scale));
    if (state.rendered.has(i + 1) && state.rendered.get(i + 1) !== scale) {
      slot.replaceChildren();
      state.rendered.delete(i + 1);
    }
  });
  $(".pdf-zoom").value = state.zoom;
  observeAll();
}

async function renderPage(n) {
  const slot = state.slots[n - 1];
  const scale = scaleFor(n);
  if (state.rendered.get(n) === scale) return;
  state.rendered.set(n, scale);
  const page = await state.doc.getPage(n);
  const base = page.getViewport({ scale: 1 });
  if (!state.sizes[n - 1] || state.sizes[n - 1].width !== base.width) {
    state.sizes[n - 1] = { width: base.width, height: base.height };
    const s = scaleFor(n);
    slot.style.width = `${Math.floor(base.width * s)}px`;
    slot.style.height = `${Math.floor(base.height * s)}px`;
  }
  const viewport = page.getViewport({ scale: scaleFor(n) });
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement("canvas");
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.className = "pdf-canvas";
  canvas.setAttribute("aria-hidden", "true");
  const text = document.createElement("div");
  text.className = "textLayer";
  slot.replaceChildren(canvas, text);
  await page.render({
    canvasContext: canvas.getContext("2d"),
    viewport,
    transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0],
  }).promise;
  const content = state.texts.get(n) || (await page.getTextContent());
  state.texts.set(n, content);
  await new state.pdfjs.TextLayer({ textContentSource: content, container: text, viewport }).render();
  slot.dataset.rendered = "true";
  highlight();
}

let observer;
function observeAll() {
  if (observer) observer.disconnect();
  observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const n = Number(entry.target.dataset.page);
        if (entry.isIntersecting) {
          renderPage(n).catch((e) => console.warn("page", n, e));
          current(n);
        }
      }
    },
    { root: $(".pdf-pages"), rootMargin: "400px 0px" },
  );
  state.slots.forEach((slot) => observer.observe(slot));
}

function current(n) {
  const input = $(".pdf-page-number");
  if (document.activeElement !== input) input.value = String(n);
  for (const t of root.querySelectorAll(".pdf-thumb")) {
    t.classList.toggle("is-current", Number(t.dataset.page) === n);
  }
}

function visiblePage() {
  const box = $(".pdf-pages").getBoundingClientRect();
  for (const slot of state.slots) {
    const r = slot.getBoundingClientRect();
    if (r.bottom > box.top + 40) return Number(slot.dataset.page);
  }
  return 1;
}

function goTo(n) {
  n = Math.min(Math.max(1, n), state.doc.numPages);
  state.slots[n - 1].scrollIntoView({ block: "start" });
  current(n);
  renderPage(n).catch(() => {});
}

// --- thumbnails: small canvases, drawn when the side bar shows them ---
function thumbnails() {
  const bar = $(".pdf-thumbs");
  const seen = new IntersectionObserver(async (entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting || entry.target.dataset.drawn) continue;
      entry.target.dataset.drawn = "1";
      const n = Number(entry.target.dataset.page);
      const page = await state.doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: 90 / base.width });
      const canvas = document.createElement("canvas");
      canvas.width = viewport.width;
      canvas.height = viewport.height;
      entry.target.prepend(canvas);
      await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
    }
  }, { root: bar, rootMargin: "200px 0px" });
  for (let n = 1; n <= state.doc.numPages; n++) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "pdf-thumb";
    b.dataset.page = String(n);
    b.setAttribute("aria-label", interpolate(gettext("Go to page %s"), [n]));
    b.append(Object.assign(document.createElement("span"), { textContent: String(n) }));
    b.addEventListener("click", () => goTo(n));
    bar.append(b);
    seen.observe(b);
  }
}

// --- find: over every page's text, rendered or not ---
async function find(query) {
  query = query.trim().toLowerCase();
  state.query = query;
  state.matches = [];
  state.match = -1;
  if (!query) { highlight(); status(pageCount(state.doc.numPages)); return; }
  for (let n = 1; n <= state.doc.numPages; n++) {
    if (!state.texts.has(n)) {
      const page = await state.doc.getPage(n);
      state.texts.set(n, await page.getTextContent());
    }
    state.texts.get(n).items.forEach((item, i) => {
      if ((item.str || "").toLowerCase().includes(query)) state.matches.push({ page: n, item: i });
    });
  }
  if (!state.matches.length) { status(interpolate(gettext("“%s” is not in this report."), [query])); highlight(); return; }
  step(1);
}

function step(direction) {
  if (!state.matches.length) return;
  const count = state.matches.length;
  state.match = (state.match + direction + count) % count;
  const m = state.matches[state.match];
  status(interpolate(gettext("Match %(match)s of %(count)s (page %(page)s)"),
    { match: state.match + 1, count, page: m.page }, true));
  goTo(m.page);
  highlight();
}

function highlight() {
  for (const el of root.querySelectorAll(".textLayer .highlight")) {
    el.classList.remove("highlight", "selected");
  }
  if (!state.query) return;
  state.slots.forEach((slot, i) => {
    const spans = slot.querySelectorAll(".textLayer span:not(.markedContent)");
    spans.forEach((span) => {
      if (span.textContent.toLowerCase().includes(state.query)) span.classList.add("highlight");
    });
    const m = state.matches[state.match];
    if (m && m.page === i + 1) {
      const target = [...spans].filter((s) => s.textContent.toLowerCase().includes(state.query));
      const before = state.matches.slice(0, state.match).filter((x) => x.page === m.page).length;
      if (target[before]) {
        target[before].classList.add("selected");
        target[before].scrollIntoView({ block: "center" });
      }
    }
  });
}

// --- print: every page drawn at print quality into a container only print media shows ---
async function print() {
  const button = $(".pdf-print-button");
  button.disabled = true;
  let box = document.querySelector(".pdf-print");
  if (!box) {
    box = document.createElement("div");
    box.className = "pdf-print";
    box.setAttribute("aria-hidden", "true");
    document.body.append(box);
    for (let n = 1; n <= state.doc.numPages; n++) {
      status(interpolate(gettext("Preparing page %(page)s of %(pages)s for printing…"),
        { page: n, pages: state.doc.numPages }, true));
      const page = await state.doc.getPage(n);
      const viewport = page.getViewport({ scale: PRINT_SCALE });
      const canvas = document.createElement("canvas");
      canvas.width = viewport.width;
      canvas.height = viewport.height;
      await page.render({ canvasContext: canvas.getContext("2d"), viewport, intent: "print" }).promise;
      const sheet = document.createElement("div");
      sheet.className = "pdf-print-page";
      sheet.append(canvas);
      box.append(sheet);
    }
  }
  document.documentElement.classList.add("pdf-printing");
  root.dataset.printReady = String(state.doc.numPages);
  status(interpolate(ngettext("%s page ready to print", "%s pages ready to print",
    state.doc.numPages), [state.doc.numPages]));
  button.disabled = false;
  window.print();
}
window.addEventListener("afterprint", () => document.documentElement.classList.remove("pdf-printing"));

function keyboard(event) {
  const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName);
  const mod = event.ctrlKey || event.metaKey;
  if (mod && event.key.toLowerCase() === "f") {
    event.preventDefault();
    $(".pdf-find").focus();
    $(".pdf-find").select();
  } else if (mod && event.key.toLowerCase() === "p") {
    event.preventDefault(); // the browser alone would print only what is on screen
    print();
  } else if (typing) {
    // keys belong to the field
  } else if (["PageDown", "ArrowRight", "j"].includes(event.key)) {
    event.preventDefault();
    goTo(visiblePage() + 1);
  } else if (["PageUp", "ArrowLeft", "k"].includes(event.key)) {
    event.preventDefault();
    goTo(visiblePage() - 1);
  } else if (event.key === "Home") {
    event.preventDefault();
    goTo(1);
  } else if (event.key === "End") {
    event.preventDefault();
    goTo(state.doc.numPages);
  } else if (event.key === "+" || event.key === "=" || event.key === "-") {
    event.preventDefault();
    zoomStep(event.key === "-" ? -1 : 1);
  }
}

function zoomStep(direction) {
  const numeric = ZOOMS.slice(2).map(Number);
  const now = state.scale / (96 / 72);
  const next = direction > 0 ? numeric.find((z) => z > now + 0.01) : [...numeric].reverse().find((z) => z < now - 0.01);
  if (next) { state.zoom = String(next); layout(); }
}

function controls() {
  $(".pdf-zoom").addEventListener("change", (e) => { state.zoom = e.target.value; layout(); });
  $(".pdf-zoom-in").addEventListener("click", () => zoomStep(1));
  $(".pdf-zoom-out").addEventListener("click", () => zoomStep(-1));
  $(".pdf-prev").addEventListener("click", () => goTo(visiblePage() - 1));
  $(".pdf-next").addEventListener("click", () => goTo(visiblePage() + 1));
  $(".pdf-page-number").addEventListener("change", (e) => goTo(Number(e.target.value) || 1));
  $(".pdf-find-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $(".pdf-find").value;
    if (q.trim().toLowerCase() === state.query && state.matches.length) step(1);
    else find(q);
  });
  $(".pdf-find-prev").addEventListener("click", () => step(-1));
  $(".pdf-print-button").addEventListener("click", () => print());
  $(".pdf-thumbs-toggle").addEventListener("click", (e) => {
    const bar = $(".pdf-thumbs");
    bar.hidden = !bar.hidden;
    e.currentTarget.setAttribute("aria-expanded", String(!bar.hidden));
  });
  document.addEventListener("keydown", keyboard);
  let timer;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { if (state.zoom.startsWith("fit")) layout(); }, 150);
  });
}

async function start() {
  state.pdfjs = await import(root.dataset.lib);
  state.pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.worker;
  state.doc = await state.pdfjs.getDocument({
    url: root.dataset.url,
    isEvalSupported: false,
    enableScripting: false,
    standardFontDataUrl: root.dataset.fonts,
    cMapUrl: root.dataset.cmaps,
    cMapPacked: true,
  }).promise;
  const first = (await state.doc.getPage(1)).getViewport({ scale: 1 });
  state.sizes[0] = { width: first.width, height: first.height };
  const pages = $(".pdf-pages");
  for (let n = 1; n <= state.doc.numPages; n++) {
    const slot = document.createElement("div");
    slot.className = "pdf-page";
    slot.dataset.page = String(n);
    slot.setAttribute("role", "region");
    slot.setAttribute("aria-label", interpolate(gettext("Page %(page)s of %(pages)s"), { page: n, pages: state.doc.numPages }, true));
    pages.append(slot);
    state.slots.push(slot);
  }
  $(".pdf-page-count").textContent = String(state.doc.numPages);
  $(".pdf-page-number").max = String(state.doc.numPages);
  root.querySelector(".pdf-toolbar").hidden = false;
  controls();
  thumbnails();
  layout();
  status(pageCount(state.doc.numPages));
  root.dataset.rendered = "true";
}

if (root) {
  start().catch((error) => {
    status(gettext("This report could not be shown here; use Download to read it."));
    root.dataset.rendered = "failed";
    console.warn("pdf.js", error);
  });
}
