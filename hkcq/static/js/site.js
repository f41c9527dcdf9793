/* Small enhancements; every page works without them. */

// A form that came back with errors: move the focus to its error summary, so that a screen
// reader reads it and the keyboard continues from there. (Without JavaScript the form's
// action, ending in #error-summary, makes the browser scroll to it.)
const errorSummary = document.querySelector("[data-error-summary]");
if (errorSummary) {
  errorSummary.focus();
}
