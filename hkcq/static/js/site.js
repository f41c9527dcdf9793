/* Small enhancements; every page works without them. */

// A form that came back with errors: move the focus to its error summary, so that a screen
// reader reads it and the keyboard continues from there. (Without JavaScript the form's
// action, ending in #error-summary, makes the browser scroll to it.)
const errorSummary = document.querySelector("[data-error-summary]");
if (errorSummary) {
  errorSummary.focus();
}

// The citation search on the case page: Enter searches at once (htmx) instead of sending the
// form around it. (Was an hx-on attribute: the Content-Security-Policy allows no eval.)
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches && event.target.matches("[data-enter-searches]")) {
    event.preventDefault();
  }
});

// Progress bars: their width comes from data-percent (no style attribute under the CSP).
const setWidths = (root) => {
  root.querySelectorAll("[data-percent]").forEach((bar) => {
    bar.style.width = `${Number(bar.dataset.percent) || 0}%`;
  });
};
setWidths(document);
document.body.addEventListener("htmx:afterSwap", (event) => setWidths(event.target));
