// Case-work forms: site options follow the chosen territory and pre-fill the landlord; a form submits once.
(function () {
  "use strict";

  function setupSitePicker(form) {
    var territory = form.querySelector("select[name=territory]");
    var site = form.querySelector("select[name=site]");
    var landlord = form.querySelector("select[name=landlord]");
    if (!territory || !site) {
      return;
    }
    function filterSites() {
      var chosen = territory.value;
      Array.prototype.forEach.call(site.options, function (option) {
        var owner = option.getAttribute("data-territory");
        var hidden = owner !== null && owner !== chosen;
        option.hidden = hidden;
        option.disabled = hidden;
        if (hidden && option.selected) {
          site.value = "";
        }
      });
    }
    function fillLandlord() {
      if (!landlord) {
        return;
      }
      var option = site.options[site.selectedIndex];
      var value = option ? option.getAttribute("data-landlord") : "";
      if (value) {
        landlord.value = value;
      }
    }
    territory.addEventListener("change", filterSites);
    site.addEventListener("change", fillLandlord);
    filterSites();
  }

  function setupSubmitOnce(form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  }

  document.querySelectorAll("form[data-site-picker]").forEach(setupSitePicker);
  document.querySelectorAll("form[data-submit-once]").forEach(setupSubmitOnce);
})();
