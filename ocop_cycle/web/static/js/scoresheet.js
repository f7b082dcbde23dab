// The running total of a scoresheet as options are chosen. The form works without it:
// the total is computed by the server when the sheet is saved.
(function () {
  "use strict";
  var form = document.querySelector("form.scoresheet");
  var output = document.getElementById("running-total");
  if (!form || !output) { return; }
  function update() {
    var total = 0, answered = 0;
    form.querySelectorAll("input[type=radio]:checked").forEach(function (radio) {
      total += Number(radio.dataset.points || 0);
      answered += 1;
    });
    output.value = total + " / 100";
    output.textContent = total + " / 100";
    var counter = document.getElementById("answered");
    if (counter) { counter.textContent = String(answered); }
  }
  form.addEventListener("change", update);
  update();
})();
