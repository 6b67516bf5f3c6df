// Live word count of a textarea with data-word-limit (the server counts again and refuses a
// text over the limit; without JavaScript the count shown is the one of the last save).
(function () {
  "use strict";
  function count(text) {
    var words = text.trim().split(/\s+/);
    return words[0] === "" ? 0 : words.length;
  }
  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    var out = document.getElementById(area.getAttribute("data-word-count") || "word-count");
    if (!out) return;
    function update() {
      var n = count(area.value);
      out.textContent = n + " / " + limit + " words" + (n > limit ? " — over the limit" : "");
      out.classList.toggle("over", n > limit);
    }
    area.addEventListener("input", update);
    update();
  });
})();
