// Sends the form marked data-autosubmit at once (the next payment of a journey, the signed form
// of a payment gateway); without script, the parent presses its button.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosubmit]");
  if (form) { form.submit(); }
})();
