// Renders a PDF into canvases with the vendored pdf.js, so reports read the same in every
// browser (headless and kiosk browsers have no PDF plug-in). No eval, no inline code (CSP).
const root = document.querySelector("[data-pdf-viewer]");

async function render() {
  const pdfjs = await import(root.dataset.lib);
  pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.worker;
  const doc = await pdfjs.getDocument({
    url: root.dataset.url,
    isEvalSupported: false,
    standardFontDataUrl: root.dataset.fonts,
    cMapUrl: root.dataset.cmaps,
    cMapPacked: true,
  }).promise;
  const pages = root.querySelector(".pdf-pages");
  const status = root.querySelector(".pdf-status");
  const width = Math.min(pages.clientWidth - 24, 1000);
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const ratio = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: (width / base.width) * ratio });
    const canvas = document.createElement("canvas");
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    canvas.className = "pdf-page";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `Page ${n} of ${doc.numPages}`);
    canvas.dataset.page = String(n);
    pages.appendChild(canvas);
    await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
    status.textContent = `${doc.numPages} page${doc.numPages === 1 ? "" : "s"}`;
  }
  root.dataset.rendered = "true";
}

if (root) {
  render().catch((error) => {
    root.querySelector(".pdf-status").textContent =
      "This report could not be shown here; use Download to read it.";
    root.dataset.rendered = "failed";
    console.warn("pdf.js", error);
  });
}
