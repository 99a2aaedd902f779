/* unspin analysis page: threshold slider, technique filter, tooltips, keyboard moves between
   passages, a sortable span list, and the JSON download of the whole analysis.
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
    var listBody = article.querySelector("table.spans tbody");
    var listRows = listBody ? Array.prototype.slice.call(listBody.rows) : [];
    var current = null;

    /* One tab stop for the whole text: the current passage has tabindex 0, the others -1,
       and the arrow keys move between the passages shown. */
    function stops() {
      return segments.filter(function (seg) { return !seg.classList.contains("none"); });
    }

    function rove(target) {
      if (current && current !== target && !current.classList.contains("none")) {
        current.setAttribute("tabindex", "-1");
      }
      current = target || null;
      if (current) { current.setAttribute("tabindex", "0"); }
    }

    function moveFocus(from, key) {
      var list = stops();
      if (!list.length) { return; }
      var at = list.indexOf(from);
      var next = key === "Home" ? 0 : key === "End" ? list.length - 1
        : key === "ArrowRight" || key === "ArrowDown" ? Math.min(list.length - 1, at + 1)
        : Math.max(0, at - 1);
      rove(list[next]);
      list[next].focus();
    }

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
        if (any) { seg.setAttribute("tabindex", "-1"); } else { seg.removeAttribute("tabindex"); }
      });
      rove(current && !current.classList.contains("none") ? current : stops()[0]);
      listRows.forEach(function (row) { row.hidden = !shown(Number(row.getAttribute("data-i"))); });
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
        if (["ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp", "Home", "End"].indexOf(event.key) >= 0) {
          event.preventDefault();
          moveFocus(seg, event.key);
        }
      });
      seg.addEventListener("focus", function () { rove(seg); });
    });
    document.addEventListener("click", hideTip);

    listRows.forEach(function (row) {
      var link = row.querySelector("a");
      link.addEventListener("click", function (event) {
        var i = Number(row.getAttribute("data-i"));
        var seg = segments.filter(function (s) {
          return s.getAttribute("data-spans").split(" ").map(Number).indexOf(i) >= 0;
        })[0];
        if (!seg) { return; }
        event.preventDefault();
        event.stopPropagation();
        history.replaceState(null, "", link.getAttribute("href"));
        rove(seg);
        seg.focus();
        seg.scrollIntoView({ block: "center" });
      });
    });

    var headers = Array.prototype.slice.call(article.querySelectorAll("table.spans th[aria-sort]"));
    headers.forEach(function (th) {
      th.querySelector("button.sort").addEventListener("click", function () {
        var key = this.getAttribute("data-sort");
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        if (key === "score" && th.getAttribute("aria-sort") === "none") { ascending = false; }
        var value = function (row) {
          if (key === "score") { return Number(row.getAttribute("data-score")); }
          if (key === "technique") { return row.getAttribute("data-technique"); }
          return Number(row.getAttribute("data-i"));
        };
        listRows.sort(function (a, b) {
          var x = value(a), y = value(b);
          var order = x < y ? -1 : x > y ? 1 : Number(a.getAttribute("data-i")) - Number(b.getAttribute("data-i"));
          return ascending ? order : -order;
        });
        listRows.forEach(function (row) { listBody.appendChild(row); });
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      });
    });
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hideTip(); } });

    var download = article.querySelector("button.download");
    if (download) {
      download.addEventListener("click", function () {
        var full = data.analysis;
        var out = Object.assign({}, full, {
          view: {
            threshold: threshold,
            floor: data.floor,
            hidden_techniques: Array.from(hidden).sort(),
            shown_spans: full.spans.map(function (s, i) { return i; }).filter(shown),
            note: "spans holds every span down to floor; shown_spans are the indices of those the page showed"
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
