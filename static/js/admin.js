// The admin's filter boxes (SelectFilter2) label a search icon with aria-label on a
// bare span, which axe refuses (aria-prohibited-attr): give the icon the role of
// an image, so that its label is what a screen reader announces.
"use strict";
window.addEventListener("load", function () {
  document.querySelectorAll(".search-label-icon[aria-label]").forEach(function (icon) {
    icon.setAttribute("role", "img");
  });
});
