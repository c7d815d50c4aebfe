// Warn a parent who leaves a form of Ma famille with changes not yet validated.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-warn-unsaved]");
  forms.forEach(function (form) {
    var dirty = false;
    var markDirty = function () { dirty = true; };
    form.addEventListener("input", markDirty);
    form.addEventListener("change", markDirty);
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) { return; }
      event.preventDefault();
      // Older browsers show the dialog only when returnValue is set.
      event.returnValue = "";
    });
  });
})();
