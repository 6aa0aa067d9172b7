/* Lists: on a wide screen the filters start unfolded ([data-open-wide]); on a phone they stay folded. */
(function () {
  "use strict";
  if (window.matchMedia("(min-width: 768px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach((details) => {
      details.open = true;
    });
  }
})();
