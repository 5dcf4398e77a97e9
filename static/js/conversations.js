// Progressive enhancement only: every page works without it (no inline script: CSP).

// An error summary takes the focus, so a screen reader announces it first.
// Otherwise a checklist step puts the focus on its question: the next Tab
// goes to the answers and the primary button, not through the header and the
// step indicator again on every page.
const summary = document.getElementById("error-summary");
const question = document.querySelector(".checklist-step h1");
if (summary) {
  summary.focus();
} else if (question && !window.location.hash) {
  question.setAttribute("tabindex", "-1");
  question.focus();
}
