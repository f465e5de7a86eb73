/* Small page behaviours without inline handlers (the Content-Security-Policy allows no inline
   script): a <select data-autosubmit> submits its form on change; a <form data-confirm="…">
   asks before it is sent; a [data-print] button prints the page; an import job's progress
   ([data-import-status-url], until data-finished="1") is polled once a second and the page
   reloads when the job has finished. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest && target.closest("[data-print]")) {
      window.print();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
  function pollImport(box) {
    fetch(box.getAttribute("data-import-status-url"), {credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (job) {
        document.getElementById("import-bar").value = job.percent;
        document.getElementById("import-status").textContent = job.state_label;
        document.getElementById("import-count").textContent = job.processed + " / " + job.total;
        if (job.finished) {
          window.location.reload();
        } else {
          setTimeout(function () { pollImport(box); }, 1000);
        }
      })
      .catch(function () { setTimeout(function () { pollImport(box); }, 3000); });
  }
  var importBox = document.querySelector("[data-import-status-url]");
  if (importBox && importBox.getAttribute("data-finished") !== "1") {
    setTimeout(function () { pollImport(importBox); }, 500);
  }
})();
