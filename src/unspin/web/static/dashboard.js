// Corpus dashboard: toggle line-chart series from the legend; apply filters when they change.
(function () {
  "use strict";
  document.querySelectorAll(".series-toggle").forEach(function (button) {
    button.addEventListener("click", function () {
      var shown = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", shown ? "true" : "false");
      document.querySelectorAll(".series").forEach(function (series) {
        if (series.getAttribute("data-technique") === button.getAttribute("data-technique")) {
          series.classList.toggle("hidden", !shown);
        }
      });
    });
  });
  var form = document.getElementById("dash-filters");
  if (form) {
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
  }
})();
