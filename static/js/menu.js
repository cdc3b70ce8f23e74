// The header's Menu button at narrow widths: shows or hides the navigation. No inline code (CSP).
const header = document.querySelector(".site-header");
const toggle = header && header.querySelector(".menu-toggle");
if (toggle) {
  const body = document.getElementById(toggle.getAttribute("aria-controls"));
  header.classList.add("has-menu");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = body.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
}
