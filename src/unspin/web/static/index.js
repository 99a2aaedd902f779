/* unspin start page: a live character count of the pasted text, a clear message before a
   text over the limit is sent, and a busy state while the server analyses. */
(function () {
  "use strict";

  var area = document.getElementById("text");
  var counter = document.getElementById("text-count");
  var limit = area ? Number(area.getAttribute("data-max-chars")) : 0;
  var format = new Intl.NumberFormat("en");

  /* Characters as the server counts them: code points, a line break as one. */
  function length(text) {
    return Array.from(text.replace(/\r\n?/g, "\n")).length;
  }

  function update() {
    var n = length(area.value);
    var over = n > limit;
    counter.textContent = over
      ? format.format(n) + " characters: over the limit of " + format.format(limit) +
        " by " + format.format(n - limit) + ". Shorten the text to analyse it."
      : format.format(n) + " of " + format.format(limit) + " characters";
    counter.classList.toggle("over", over);
    area.setAttribute("aria-invalid", over ? "true" : "false");
    return !over;
  }

  if (area && counter) {
    area.addEventListener("input", update);
    update();
  }

  var busy = document.querySelector(".busy");
  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.contains(area) && !update()) {
        event.preventDefault();
        area.focus();
        return;
      }
      form.setAttribute("aria-busy", "true");
      Array.prototype.forEach.call(document.querySelectorAll("form button[type=submit]"), function (button) {
        button.disabled = true;
      });
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.setAttribute("data-label", button.textContent);
        button.textContent = "Analysing…";
      }
      if (busy) { busy.hidden = false; }
    });
  });

  /* Coming back to the page from the browser's history shows it as it was left: not busy. */
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form button[type=submit]"), function (button) {
      button.disabled = false;
      if (button.hasAttribute("data-label")) { button.textContent = button.getAttribute("data-label"); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      form.removeAttribute("aria-busy");
    });
    if (busy) { busy.hidden = true; }
  });
})();
