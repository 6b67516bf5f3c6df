// Progressive enhancement only: every page works without this file.
// <time data-local datetime="ISO"> gains the viewer's local time; [data-countdown] counts down.
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (isNaN(when)) return;
    var local = document.createElement("span");
    local.className = "muted local-time";
    local.textContent = " (your time: " + when.toLocaleString(undefined, {
      dateStyle: "medium", timeStyle: "short"
    }) + ")";
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
})();
