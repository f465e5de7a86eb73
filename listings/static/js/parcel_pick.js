/* The station's parcel map (step 2): each polygon stands for its checkbox. A click, or Space or
   Enter on a focused polygon, toggles the checkbox; a changed checkbox recolours its polygon.
   Parcels that cannot be picked have a disabled checkbox and stay grey. Without JavaScript the
   checkboxes alone work. */
(function () {
  "use strict";
  var shapes = document.querySelectorAll("[data-parcel-for]");
  if (!shapes.length) { return; }

  function boxOf(shape) { return document.getElementById(shape.getAttribute("data-parcel-for")); }

  function paint(shape) {
    var box = boxOf(shape);
    if (!box) { return; }
    shape.setAttribute("aria-checked", box.checked ? "true" : "false");
    shape.classList.toggle("picked", box.checked);
  }

  function toggle(shape) {
    var box = boxOf(shape);
    if (!box || box.disabled) { return; }
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  }

  Array.prototype.forEach.call(shapes, function (shape) {
    paint(shape);
    shape.addEventListener("click", function () { toggle(shape); });
    shape.addEventListener("keydown", function (event) {
      if (event.key === " " || event.key === "Enter" || event.key === "Spacebar") {
        event.preventDefault();
        toggle(shape);
      }
    });
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.name !== "parcels") { return; }
    var shape = document.querySelector('[data-parcel-for="' + box.id + '"]');
    if (shape) { paint(shape); }
    // a picked parcel also picks its right (one listing, one right)
    var item = box.closest("[data-right]");
    if (box.checked && item) {
      var radio = document.querySelector('input[name="right"][value="' + item.getAttribute("data-right") + '"]');
      if (radio) { radio.checked = true; }
    }
  });
})();
