// Warn before leaving a form whose changes are not validated yet (Ma famille, the planning).
// Mark a form with data-warn-unsaved; its value, if any, is the question asked before a link
// swapped in place by htmx (the browser asks its own question before any other page load).
// Listeners sit on the document, so a form htmx swaps in place is watched as well.
(function () {
  "use strict";
  var SELECTOR = "form[data-warn-unsaved]";
  var dirty = null; // the form with unvalidated changes, if any

  function watched(target) {
    return target && target.closest ? target.closest(SELECTOR) : null;
  }
  function markDirty(event) {
    var form = watched(event.target);
    if (form) { dirty = form; }
  }
  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);
  document.addEventListener("submit", function (event) {
    if (watched(event.target)) { dirty = null; }
  }, true);

  window.addEventListener("beforeunload", function (event) {
    if (!dirty || !document.body.contains(dirty)) { return; }
    event.preventDefault();
    // Older browsers show the dialog only when returnValue is set.
    event.returnValue = "";
  });

  // htmx swaps the page in place for some links: no beforeunload, so ask here.
  document.addEventListener("htmx:confirm", function (event) {
    if (!dirty || !document.body.contains(dirty)) { return; }
    var source = event.detail && event.detail.elt;
    if (source === dirty || watched(source) === dirty) {
      dirty = null; // the form itself is being sent
      return;
    }
    var question = dirty.getAttribute("data-warn-unsaved");
    event.preventDefault();
    if (window.confirm(question || "")) {
      dirty = null;
      event.detail.issueRequest(true);
    }
  });
})();
