// Print buttons on the outcome page: shown only when JavaScript runs (no inline script: CSP).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
