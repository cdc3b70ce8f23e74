// Family page: copy a number in one click, tick every document shown. No inline code (CSP).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const text = button.dataset.copy;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (plain http, old browser): select a temporary field instead.
    const field = Object.assign(document.createElement("textarea"), { value: text });
    document.body.appendChild(field);
    field.select();
    document.execCommand("copy");
    field.remove();
  }
  const label = button.textContent;
  button.textContent = gettext("Copied");
  button.dataset.copied = text;
  setTimeout(() => { button.textContent = label; }, 1500);
});

const all = document.querySelector("[data-select-all]");
if (all) {
  all.addEventListener("change", () => {
    for (const box of document.querySelectorAll('#doc-form input[name="doc"]')) {
      box.checked = all.checked;
    }
  });
}
