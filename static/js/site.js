// Progressive enhancement only: every page works without this file.
// <time data-local datetime="ISO"> gains the viewer's local time; [data-countdown] counts down.
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  // The site's one date format ("Wed 23 Dec 2026, 11:59"), here on the viewer's own clock.
  var parts = new Intl.DateTimeFormat("en-US", {
    weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
  });
  function yourTime(when) {
    var p = {};
    parts.formatToParts(when).forEach(function (part) { p[part.type] = part.value; });
    return p.weekday + " " + p.day + " " + p.month + " " + p.year + ", " + p.hour + ":" +
      p.minute + (p.timeZoneName ? " " + p.timeZoneName : "");
  }
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (isNaN(when)) return;
    var local = document.createElement("span");
    local.className = "muted local-time";
    local.textContent = " (your time: " + yourTime(when) + ")";
    el.after(local);
  });
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Math.floor((new Date(el.getAttribute("data-countdown")) - new Date()) / 1000);
      if (left <= 0) { el.textContent = "closed"; return; }
      var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600),
          m = Math.floor(left % 3600 / 60), s = left % 60;
      el.textContent = (d ? d + "d " : "") + pad(h) + "h " + pad(m) + "m " + pad(s) + "s left";
    });
  }
  tick();
  setInterval(tick, 1000);

  // A review form that saves drafts as the reviewer types (htmx): a real submit waits for an
  // automatic save in flight, so that it carries the version that save handed back, and no
  // automatic save starts once the form is being sent.
  document.querySelectorAll("form[hx-vals*='autosave']").forEach(function (form) {
    var sending = false;
    form.addEventListener("htmx:beforeRequest", function (evt) {
      if (sending) evt.preventDefault();
    });
    form.addEventListener("submit", function (evt) {
      if (sending) return;
      sending = true;
      if (!form.classList.contains("htmx-request")) return;
      evt.preventDefault();
      var submitter = evt.submitter, resumed = false;
      function resume() {
        if (resumed) return;
        resumed = true;
        form.requestSubmit(submitter);
      }
      ["htmx:afterSettle", "htmx:responseError", "htmx:sendError"].forEach(function (name) {
        form.addEventListener(name, resume, { once: true });
      });
    });
  });
})();
