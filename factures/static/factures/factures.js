// Shows the total of the ticked invoices; the server recomputes it and refuses any other amount.
(function () {
  "use strict";
  var form = document.querySelector(".invoice-pay");
  var output = document.getElementById("total-coche");
  if (!form || !output) { return; }
  var format = new Intl.NumberFormat(document.documentElement.lang || "fr", { style: "currency", currency: "EUR" });
  form.addEventListener("change", function () {
    var cents = 0;
    form.querySelectorAll("input[name=factures]:checked").forEach(function (box) {
      cents += Math.round(parseFloat(box.dataset.balance) * 100);
    });
    output.hidden = cents === 0;
    output.textContent = (output.dataset.label || "Total : ") + format.format(cents / 100);
  });
})();
