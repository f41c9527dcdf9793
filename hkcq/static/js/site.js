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

// Tables on phones stack each row's cells one under another (site.css); a cell the template did
// not label (data-label) is labelled here with its column's heading, so a stacked row still says
// what each value is. Cells spanning columns take the heading of the first column they cover.
const labelCells = (root) => {
  root.querySelectorAll("table.table:not(.table-keep)").forEach((table) => {
    const headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headRow) {
      return;
    }
    const headings = [];
    Array.from(headRow.cells).forEach((cell) => {
      const text = cell.textContent.replace(/\s+/g, " ").trim();
      for (let i = 0; i < (cell.colSpan || 1); i += 1) {
        headings.push(text);
      }
    });
    Array.from(table.tBodies).forEach((body) => {
      Array.from(body.rows).forEach((row) => {
        let column = 0;
        Array.from(row.cells).forEach((cell) => {
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && headings[column]) {
            cell.setAttribute("data-label", headings[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  });
};
labelCells(document);
document.body.addEventListener("htmx:afterSwap", (event) => labelCells(event.target.closest("table") || event.target));
