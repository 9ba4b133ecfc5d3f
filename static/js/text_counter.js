// Under every <textarea maxlength> of a form, how many characters are written of how many
// the server accepts ("120 / 2000"), turning red near the end. Without this script the
// browser still stops at the limit and the server refuses longer text with a message.
(function () {
  "use strict";
  document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("maxlength"), 10);
    if (!limit) {
      return;
    }
    var counter = document.createElement("div");
    counter.className = "form-text text-end text-counter";
    counter.id = (area.id || area.name) + "-counter";
    area.insertAdjacentElement("afterend", counter);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    function update() {
      var used = area.value.length;
      counter.textContent = used + " / " + limit;
      counter.classList.toggle("text-danger", used > limit * 0.9);
    }
    area.addEventListener("input", update);
    update();
  });
})();
