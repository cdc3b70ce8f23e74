// Live progress of package builds on the worklist page: polls each unfinished package's small
// JSON status once a second and updates its row in place (no full reload, no inline script).
(function () {
  "use strict";
  var FINAL = { ready: true, failed: true, expired: true };
  var PILL = { ready: "pill-green", failed: "pill-red", expired: "pill-grey" };

  function part(row, role) {
    return row.querySelector('[data-role="' + role + '"]');
  }

  function show(row, data) {
    row.dataset.state = data.state;
    var bar = part(row, "bar");
    if (bar) { bar.value = data.percent; bar.textContent = data.percent + " %"; }
    var text = part(row, "progress-text");
    if (text) {
      text.textContent = data.percent + " % — " + interpolate(
        ngettext("%(done)s of %(total)s document", "%(done)s of %(total)s documents", data.total),
        data, true);
    }
    var pill = part(row, "state");
    if (pill) {
      pill.textContent = data.state_label;
      pill.className = "pill " + (PILL[data.state] || "pill-blue");
    }
    var link = part(row, "download");
    if (link && data.download_url) { link.href = data.download_url; link.hidden = false; }
    var error = part(row, "error");
    if (error) { error.textContent = data.error; error.hidden = !data.error; }
    var retry = part(row, "retry");
    if (retry) { retry.hidden = data.state !== "failed"; }
  }

  function poll(row) {
    fetch(row.dataset.packageStatusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("status " + r.status); } return r.json(); })
      .then(function (data) {
        show(row, data);
        if (!FINAL[data.state]) { window.setTimeout(function () { poll(row); }, 1000); }
      })
      .catch(function () { window.setTimeout(function () { poll(row); }, 5000); });
  }

  function start() {
    var rows = document.querySelectorAll("[data-package-status-url]");
    Array.prototype.forEach.call(rows, function (row) {
      if (!FINAL[row.dataset.state]) { window.setTimeout(function () { poll(row); }, 1000); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
