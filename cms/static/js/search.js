/* The township list follows the county (progressive: without JavaScript the page reloads with
   the county's townships after Search). Data come from a JSON block, so no inline script. */
(function () {
  "use strict";
  var data = document.getElementById("townships-by-county");
  var county = document.querySelector("select[data-township-select]");
  if (!data || !county) { return; }
  var byCounty = JSON.parse(data.textContent);
  var township = document.getElementById(county.getAttribute("data-township-select"));
  if (!township) { return; }

  function fill() {
    var names = byCounty[county.value] || [];
    var keep = township.value;
    while (township.options.length) { township.remove(0); }
    var first = document.createElement("option");
    first.value = "";
    first.textContent = county.value ? county.getAttribute("data-all-label")
                                     : county.getAttribute("data-pick-label");
    township.appendChild(first);
    names.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      option.textContent = name;
      if (name === keep) { option.selected = true; }
      township.appendChild(option);
    });
    township.disabled = !county.value;
  }
  county.addEventListener("change", fill);
  fill();
})();
