// Referral form: show the person and consent fields only for the modes that use them.
(function () {
  "use strict";
  var form = document.querySelector("[data-referral-form]");
  if (!form) return;
  var byMode = {
    div_id_person: ["telephone", "physical"],
    div_id_new_alias: ["telephone", "physical"],
    div_id_new_birth_year: ["telephone", "physical"],
    div_id_new_gender: ["telephone", "physical"],
    div_id_oral_consent_now: ["telephone", "physical"],
    div_id_counsellor_agreed: ["physical"],
    div_id_beneficiary_gender: ["simple"],
  };
  function currentMode() {
    var checked = form.querySelector("input[name=mode]:checked");
    return checked ? checked.value : "simple";
  }
  function update() {
    var mode = currentMode();
    Object.keys(byMode).forEach(function (id) {
      var wrapper = document.getElementById(id);
      if (wrapper) wrapper.hidden = byMode[id].indexOf(mode) === -1;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "mode") update();
  });
  update();
})();
