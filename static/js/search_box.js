// Search boxes (textarea[data-enter-submits]): Enter searches, Shift+Enter starts a new line.
// A pasted list keeps its lines; without this script the button still searches.
(function () {
  "use strict";
  function wire(box) {
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      if (box.form) box.form.requestSubmit();
    });
    if (box.hasAttribute("autofocus")) {
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    }
  }
  document.querySelectorAll("textarea[data-enter-submits]").forEach(wire);
})();
