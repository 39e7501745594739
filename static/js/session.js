// Logging out on a shared computer: the grid's drafts this user kept in the browser (entry-draft.js)
// go with the session, so the next person at the computer finds none of their figures. Drafts are
// keyed "bhyt-entry-draft:<user>:…"; the logout form names this user's prefix.
(function () {
  "use strict";
  var form = document.querySelector("form.logout[data-drafts]");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var prefix = form.dataset.drafts, store;
    try { store = window.localStorage; } catch (error) { return; }  // storage refused: nothing was kept
    if (!store || !prefix) { return; }
    Object.keys(store).filter(function (key) { return key.indexOf(prefix) === 0; }).forEach(function (key) {
      store.removeItem(key);
    });
  });
}());
