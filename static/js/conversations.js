// Progressive enhancement only: every page works without it (no inline script: CSP).

// An error summary takes the focus, so a screen reader announces it first.
const summary = document.getElementById("error-summary");
if (summary) {
  summary.focus();
}

// Print buttons on the outcome page are shown only when they can work.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
