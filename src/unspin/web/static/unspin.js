/* unspin analysis page: threshold slider, technique filter, tooltips, JSON download.
   Reads its data from <script type="application/json" class="analysis-data">; builds every
   piece of text with textContent and never parses markup. */
(function () {
  "use strict";

  var tip = document.getElementById("tip");

  function setup(article) {
    var dataNode = article.querySelector("script.analysis-data");
    if (!dataNode) { return; }
    var data = JSON.parse(dataNode.textContent);
    var spans = data.spans;
    var hidden = new Set();
    var threshold = data.threshold;
    var slider = article.querySelector("input.threshold");
    var output = article.querySelector("output.threshold-value");
    var segments = Array.prototype.slice.call(article.querySelectorAll(".seg"));
    var layers = Array.prototype.slice.call(article.querySelectorAll(".hl"));
    var chips = Array.prototype.slice.call(article.querySelectorAll(".chip"));
    var rows = Array.prototype.slice.call(article.querySelectorAll(".chart tr"));

    segments.forEach(function (seg) { seg.removeAttribute("title"); });

    function shown(i) {
      var s = spans[i];
      return s.score >= threshold && !hidden.has(s.technique);
    }

    function segmentSpans(seg) {
      return seg.getAttribute("data-spans").split(" ").map(Number).filter(shown);
    }

    function apply() {
      layers.forEach(function (el) {
        el.classList.toggle("off", !shown(Number(el.getAttribute("data-i"))));
      });
      segments.forEach(function (seg) {
        var any = segmentSpans(seg).length > 0;
        seg.classList.toggle("none", !any);
        if (any) { seg.setAttribute("tabindex", "0"); } else { seg.removeAttribute("tabindex"); }
      });
      var counts = {};
      var max = 0;
      spans.forEach(function (s, i) {
        if (s.score >= threshold) { counts[s.technique] = (counts[s.technique] || 0) + 1; }
        if (shown(i)) { max = Math.max(max, counts[s.technique]); }
      });
      chips.forEach(function (chip) {
        var n = counts[chip.getAttribute("data-technique")] || 0;
        chip.querySelector(".count").textContent = String(n);
        chip.classList.toggle("zero", n === 0);
      });
      rows.forEach(function (row) {
        var name = row.getAttribute("data-technique");
        var n = hidden.has(name) ? 0 : (counts[name] || 0);
        row.querySelector(".count").textContent = String(n);
        row.querySelector(".bar").setAttribute("width", String(max ? (100 * n) / max : 0));
        row.classList.toggle("zero", n === 0);
      });
      var covered = data.sentences.filter(function (sentence) {
        return spans.some(function (s, i) {
          var a = data.analysis.spans[i];
          return shown(i) && a.start < sentence[1] && sentence[0] < a.end;
        });
      }).length;
      var total = data.sentences.length;
      var percent = total ? Math.round((100 * covered) / total) : 0;
      article.querySelector(".share-percent").textContent = percent + "%";
      article.querySelector(".share-count").textContent = String(covered);
      article.querySelector(".meter-fill").setAttribute("width", String(percent));
      if (output) { output.textContent = threshold.toFixed(2); }
    }

    if (slider) {
      slider.addEventListener("input", function () {
        threshold = Number(slider.value);
        apply();
        hideTip();
      });
    }

    chips.forEach(function (chip) {
      chip.addEventListener("click", function () {
        var name = chip.getAttribute("data-technique");
        var on = hidden.has(name);
        if (on) { hidden.delete(name); } else { hidden.add(name); }
        chip.setAttribute("aria-pressed", on ? "true" : "false");
        apply();
      });
    });

    function showTip(seg) {
      var ids = segmentSpans(seg);
      if (!ids.length || !tip) { hideTip(); return; }
      while (tip.firstChild) { tip.removeChild(tip.firstChild); }
      ids.forEach(function (i) {
        var s = spans[i];
        var meta = data.techniques[s.technique] || { display_name: s.technique, definition: "" };
        var item = document.createElement("div");
        item.className = "tip-item";
        var head = document.createElement("div");
        head.className = "tip-head";
        var swatch = document.createElement("span");
        swatch.className = "swatch " + (layerClass(seg, i) || "tx");
        var name = document.createElement("span");
        name.className = "tip-name";
        name.textContent = meta.display_name;
        var score = document.createElement("span");
        score.className = "tip-score";
        score.textContent = "score " + s.score.toFixed(2);
        head.appendChild(swatch);
        head.appendChild(name);
        head.appendChild(score);
        var definition = document.createElement("p");
        definition.textContent = meta.definition;
        item.appendChild(head);
        item.appendChild(definition);
        tip.appendChild(item);
      });
      tip.hidden = false;
      var box = seg.getBoundingClientRect();
      var width = tip.offsetWidth;
      var left = Math.min(Math.max(8, box.left), document.documentElement.clientWidth - width - 8);
      var top = box.bottom + 8;
      if (top + tip.offsetHeight > document.documentElement.clientHeight && box.top > tip.offsetHeight + 8) {
        top = box.top - tip.offsetHeight - 8;
      }
      tip.style.left = (left + window.scrollX) + "px";
      tip.style.top = (top + window.scrollY) + "px";
      seg.setAttribute("aria-describedby", "tip");
      markActive(ids);
    }

    function layerClass(seg, i) {
      var el = seg.querySelector('.hl[data-i="' + i + '"]');
      if (!el) { return ""; }
      var found = "";
      el.classList.forEach(function (c) { if (/^t(\d+|x)$/.test(c)) { found = c; } });
      return found;
    }

    function markActive(ids) {
      segments.forEach(function (seg) {
        var mine = seg.getAttribute("data-spans").split(" ").map(Number);
        seg.classList.toggle("active", ids.some(function (i) { return mine.indexOf(i) >= 0; }));
      });
    }

    function hideTip() {
      if (tip) { tip.hidden = true; }
      segments.forEach(function (seg) { seg.classList.remove("active"); seg.removeAttribute("aria-describedby"); });
    }

    segments.forEach(function (seg) {
      seg.addEventListener("mouseenter", function () { showTip(seg); });
      seg.addEventListener("mouseleave", hideTip);
      seg.addEventListener("focus", function () { showTip(seg); });
      seg.addEventListener("blur", hideTip);
      seg.addEventListener("click", function (event) {
        event.stopPropagation();
        showTip(seg);
      });
      seg.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { hideTip(); }
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); showTip(seg); }
      });
    });
    document.addEventListener("click", hideTip);
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hideTip(); } });

    var download = article.querySelector("button.download");
    if (download) {
      download.addEventListener("click", function () {
        var full = data.analysis;
        var kept = full.spans.filter(function (s, i) { return shown(i); });
        var counts = {};
        kept.forEach(function (s) { counts[s.technique] = (counts[s.technique] || 0) + 1; });
        var covered = data.sentences.filter(function (sentence) {
          return kept.some(function (s) { return s.start < sentence[1] && sentence[0] < s.end; });
        }).length;
        var total = data.sentences.length;
        var out = Object.assign({}, full, {
          spans: kept,
          summary: {
            technique_counts: counts,
            sentences: total,
            sentences_with_technique: covered,
            sentence_share: total ? covered / total : 0
          }
        });
        var blob = new Blob([JSON.stringify(out, null, 2)], { type: "application/json" });
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        var base = String(full.document.id || "analysis").replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 60);
        link.download = (base || "analysis") + ".unspin.json";
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      });
    }

    apply();
  }

  Array.prototype.forEach.call(document.querySelectorAll("article.analysis"), setup);
})();
