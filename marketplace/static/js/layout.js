/* Responsive layout behaviours (issue 16 §3), without inline script (the Content-Security-Policy
   allows none). Without this script the page still works: the menu stays open and table cells
   that carry no data-label simply show no label on a phone.
   - [data-menu-toggle] shows or hides the header menu on a narrow screen (aria-expanded).
   - On a phone every table with headings in the page's main part becomes cards (table.cards;
     opt out with table.no-cards); each cell without a data-label takes its column heading's text,
     also in rows a page's own script adds later (a MutationObserver on the table).
   - Opening one menu group (<details data-nav-group>) closes the others; Escape closes them. */
(function () {
  "use strict";
  var toggle = document.querySelector("[data-menu-toggle]");
  if (toggle) {
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    var header = toggle.closest(".site-header");
    if (menu && header) {
      header.classList.add("menu-ready");
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        menu.classList.toggle("open", open);
        header.classList.toggle("menu-open", open);
      });
    }
  }

  function labelCells(table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) return;
    var names = Array.prototype.map.call(heads, function (th) { return th.textContent.trim(); });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var column = 0;
      Array.prototype.forEach.call(tr.children, function (cell) {
        if (!cell.hasAttribute("data-label") && names[column]) cell.setAttribute("data-label", names[column]);
        column += cell.colSpan || 1;
      });
    });
  }
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.classList.contains("no-cards") || !table.tHead) return;
    table.classList.add("cards");
    labelCells(table);
    if (window.MutationObserver) {
      new MutationObserver(function () { labelCells(table); }).observe(table, {childList: true, subtree: true});
    }
  });

  var groups = document.querySelectorAll("details[data-nav-group]");
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open) return;
      groups.forEach(function (other) { if (other !== group) other.open = false; });
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups.forEach(function (group) {
      if (group.open) { group.open = false; group.querySelector("summary").focus(); }
    });
  });
  document.addEventListener("click", function (event) {
    groups.forEach(function (group) { if (group.open && !group.contains(event.target)) group.open = false; });
  });
})();
