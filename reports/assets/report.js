// podconform report: optional enhancements. The page is complete without
// them: timelines carry <title> tooltips, and every section is plain HTML.
(function () {
  "use strict";

  // Open the counterexample a link or the address points at.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    if (el && el.tagName === "DETAILS") el.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  // Filter the list and the details by the failing check.
  var filter = document.getElementById("filter");
  if (filter) {
    filter.closest(".filter").hidden = false;
    var shown = document.getElementById("shown");
    var items = document.querySelectorAll("table.list tbody tr, details.ce");
    filter.addEventListener("change", function () {
      var want = filter.value, n = 0;
      items.forEach(function (el) {
        var show = !want || el.getAttribute("data-prop") === want;
        el.hidden = !show;
        if (show && el.tagName === "TR") n++;
      });
      shown.textContent = want ? n + " shown" : "";
    });
  }

  // Zoom buttons on each timeline: the picture is scaled up, and its frame
  // scrolls.
  document.querySelectorAll(".tl-wrap").forEach(function (wrap) {
    var svg = wrap.querySelector("svg");
    if (!svg) return;
    var w0 = svg.width.baseVal.value, h0 = svg.height.baseVal.value, z = 1;
    var bar = document.createElement("div");
    bar.className = "tl-tools";
    function button(label, title, f) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.title = title;
      b.addEventListener("click", f);
      bar.appendChild(b);
    }
    function apply() {
      svg.setAttribute("width", String(Math.round(w0 * z)));
      svg.setAttribute("height", String(Math.round(h0 * z)));
    }
    button("+", "zoom in", function () { z = Math.min(z * 1.5, 8); apply(); });
    button("−", "zoom out", function () { z = Math.max(z / 1.5, 1); apply(); });
    button("reset", "fit the frame", function () { z = 1; apply(); });
    wrap.parentNode.insertBefore(bar, wrap);
  });
})();
