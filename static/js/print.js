// Print buttons ([data-print]): shown only when they can work (no inline script: CSP).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
