// Parts of a form that belong to some choices of a select: `data-shown-for="exit"` on a
// part, `data-shown-by="kind"` on the form naming the select. While another choice is made
// the part is hidden and its fields disabled (not sent, so a value left in them is not read
// as the user's); without JavaScript every part shows and the server says what does not fit.
(function () {
  document.querySelectorAll("[data-shown-by]").forEach(function (form) {
    var select = form.querySelector("select[name='" + form.dataset.shownBy + "']");
    if (!select) return;
    function update() {
      form.querySelectorAll("[data-shown-for]").forEach(function (part) {
        var shown = part.dataset.shownFor.split(" ").indexOf(select.value) !== -1;
        part.hidden = !shown;
        part.querySelectorAll("input, select, textarea").forEach(function (field) {
          field.disabled = !shown;
        });
      });
    }
    select.addEventListener("change", update);
    update();
  });
})();
