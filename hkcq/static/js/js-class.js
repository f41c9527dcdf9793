/* Loaded first in <head>: marks the page as having JavaScript (html.js), so styles that need it
   apply before the first paint. A file, not an inline script: the Content-Security-Policy allows
   only scripts from this site. */
document.documentElement.classList.replace("no-js", "js");
