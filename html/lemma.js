/* lemma.js: behaviour of the pages `lemma html` writes (prover/html.c).
   Plain JavaScript, no libraries, works from file://.
   - index.html: the search box filters the theorem list as you type.
   - theorem pages: hovering a step highlights the steps it depends on
     (transitively, through the data-p premise lists, up to MAXLIT steps),
     and the collapsed sub-proofs that hold some of them; following a link to a step opens
     the sub-proofs around it. */
(function () {
  "use strict";

  function filterSetup() {
    var box = document.getElementById("search");
    if (!box) return;
    var items = Array.prototype.slice.call(document.querySelectorAll("li.thm"));
    var text = items.map(function (li) { return li.textContent.toLowerCase(); });
    var shown = document.querySelector(".shown");
    function apply() {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var n = 0;
      items.forEach(function (li, i) {
        var ok = words.every(function (w) { return text[i].indexOf(w) >= 0; });
        li.hidden = !ok;
        if (ok) n++;
      });
      document.querySelectorAll(".group").forEach(function (g) {
        g.hidden = !g.querySelector("li.thm:not([hidden])");
      });
      if (shown) shown.textContent = n + " of " + items.length + " theorems";
    }
    box.addEventListener("input", apply);
    apply();
  }

  /* --- dependency highlight --- */
  var lit = [];
  function clear() {
    lit.forEach(function (e) { e.classList.remove("dep", "cur", "dep-in"); });
    lit = [];
  }
  function light(e, cls) { e.classList.add(cls); lit.push(e); }
  /* At most this many steps are lit: past a few thousand the browser's
     style recalculation makes hovering sluggish, and the chain of a step
     deep in a huge proof is most of the proof anyway. */
  var MAXLIT = 2000;
  function highlight(step) {
    clear();
    light(step, "cur");
    var seen = {}, todo = [step];
    while (todo.length && lit.length < MAXLIT) {
      var s = todo.pop(), p = s.getAttribute("data-p");
      if (!p) continue;
      p.split(" ").forEach(function (n) {
        if (seen[n]) return;
        seen[n] = true;
        var d = document.getElementById("s" + n);
        if (!d) return;
        light(d, "dep");
        var c = d.parentElement && d.parentElement.closest("details:not([open])");
        if (c && !c.classList.contains("dep-in")) light(c, "dep-in");
        todo.push(d);
      });
    }
  }
  /* The highlight follows the pointer once it rests (60 ms), so that
     sweeping or scrolling over a long proof does not recompute it for
     every row passed. */
  function hoverSetup() {
    var current = null, timer = 0;
    document.addEventListener("mouseover", function (ev) {
      var s = ev.target.closest && ev.target.closest(".step");
      if (s === current) return;
      current = s;
      clearTimeout(timer);
      timer = setTimeout(function () { if (current) highlight(current); else clear(); }, 60);
    });
  }

  /* --- open the sub-proofs around a linked step --- */
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var e = id && document.getElementById(id);
    for (var d = e; d; d = d.parentElement)
      if (d.tagName === "DETAILS") d.open = true;
    if (e) e.scrollIntoView({ block: "center" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    filterSetup();
    if (document.querySelector(".step")) {
      hoverSetup();
      window.addEventListener("hashchange", reveal);
      if (location.hash) reveal();
    }
  });
})();
