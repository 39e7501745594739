/* The tokens page: copy the new token to the clipboard (it is shown only once). */
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = document.getElementById(button.dataset.copy).textContent;
      if (!navigator.clipboard) { return; }
      navigator.clipboard.writeText(text).then(function () { button.textContent = button.dataset.done; });
    });
  });
})();
