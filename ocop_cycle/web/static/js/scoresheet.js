// The scoresheet with htmx: a refused save (422, 403, 409…) still shows the server's
// message in its status fragment, which htmx would otherwise drop for a 4xx answer.
// Everything else comes from the server; without JavaScript the forms post as usual.
(function () {
  "use strict";
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status < 500 && event.detail.elt.closest("form.scoresheet")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
