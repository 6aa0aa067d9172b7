/*
 * Accessibility helpers for every page: a region that scrolls sideways (wide tables on a phone) must be reachable
 * with the keyboard, so it gets tabindex="0" and a name taken from its table's caption or the heading above it.
 */
(function () {
  "use strict";
  function nameOf(region) {
    const caption = region.querySelector("caption");
    if (caption) return caption.textContent.trim();
    let el = region.previousElementSibling;
    while (el && !/^H[1-6]$/.test(el.tagName)) el = el.previousElementSibling;
    return el ? el.textContent.trim() : "Tableau";
  }
  document.querySelectorAll(".table-responsive").forEach((region) => {
    if (region.hasAttribute("tabindex")) return;
    region.tabIndex = 0;
    region.setAttribute("role", "region");
    if (!region.hasAttribute("aria-label")) region.setAttribute("aria-label", nameOf(region));
  });
})();
