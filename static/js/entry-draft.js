// Nothing typed is lost: the cells that differ from what is stored are kept in the browser
// (localStorage, one draft per user, area and month) until they are saved or discarded; leaving the
// page with unsaved cells asks first; a save that cannot reach the server, or that the server fails,
// can be sent again as is.
(function () {
  "use strict";
  var api = window.BhytEntry;
  if (!api || !api.grid || !document.querySelector(".entry-save")) { return; }  // nothing to type: nothing to keep
  var grid = api.grid, form = grid.form, key = api.data.draft;
  var banner = document.getElementById("entry-draft"), retry = document.getElementById("entry-retry");
  var kept = document.getElementById("entry-draft-kept");
  var leaving = false, pending = null, timer = null;

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }  // private mode, or storage refused
  }

  function read() {
    var store = storage();
    try { return store ? JSON.parse(store.getItem(key) || "null") : null; } catch (error) { return null; }
  }

  function fields() {
    return Array.prototype.filter.call(form.querySelectorAll("input[data-key]"), grid.editable);
  }

  function current() {
    var values = {}, confirms = [];
    fields().forEach(function (input) { if (grid.changed(input)) { values[input.name] = input.value; } });
    form.querySelectorAll('.confirm input[type="checkbox"]:checked').forEach(function (box) {
      confirms.push(box.name + "=" + box.value);
    });
    var workbook = form.querySelector('input[name="workbook"]');
    return {values: values, confirms: confirms, workbook: workbook ? workbook.value : ""};
  }

  function clock(at) {
    var when = new Date(at);
    return ("0" + when.getHours()).slice(-2) + ":" + ("0" + when.getMinutes()).slice(-2) + " " +
      ("0" + when.getDate()).slice(-2) + "/" + ("0" + (when.getMonth() + 1)).slice(-2);
  }

  function keep() {
    var store = storage();
    if (!store) { return; }
    var now = current();
    if (pending) {  // a draft offered but not yet taken: what is typed meanwhile joins it, nothing is lost
      now.values = Object.assign({}, pending.values, now.values);
    }
    if (!Object.keys(now.values).length) { store.removeItem(key); if (kept) { kept.textContent = ""; } return; }
    now.at = Date.now();
    try { store.setItem(key, JSON.stringify(now)); } catch (error) { return; }
    if (kept) { kept.textContent = grid.text("draftKept", {time: clock(now.at)}); }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(keep, 250);
  }

  function restore(draft) {
    fields().forEach(function (input) {
      if (Object.prototype.hasOwnProperty.call(draft.values, input.name)) { grid.setValue(input, draft.values[input.name]); }
    });
    if (draft.workbook && !form.querySelector('input[name="workbook"]')) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "workbook";
      hidden.value = draft.workbook;
      form.appendChild(hidden);
    }
    grid.refreshAll();
    (draft.confirms || []).forEach(function (pair) {
      var cut = pair.indexOf("="), name = pair.slice(0, cut), value = pair.slice(cut + 1);
      form.querySelectorAll('.confirm input[type="checkbox"]').forEach(function (box) {
        if (box.name === name && box.value === value) { box.checked = true; }
      });
    });
    grid.summarise();
  }

  // On opening: a draft equal to what is stored was saved (forget it); one equal to what the page
  // already shows needs no offer (a grid sent back with its checks); any other is offered.
  function offer() {
    var draft = read();
    if (!draft || !draft.values) { return; }
    var names = Object.keys(draft.values);
    var inputs = {};
    fields().forEach(function (input) { inputs[input.name] = input; });
    var saved = names.every(function (name) {
      var input = inputs[name];
      return !input || sameNumber(draft.values[name], input.dataset.stored || "", input);
    });
    if (saved) { storage().removeItem(key); return; }
    var shownAlready = names.every(function (name) { return !inputs[name] || inputs[name].value === draft.values[name]; });
    if (shownAlready) { keep(); return; }
    pending = draft;
    banner.querySelector(".draft-text").textContent = grid.text("draft", {n: names.length, time: clock(draft.at)});
    banner.hidden = false;
  }

  function sameNumber(a, b, input) {
    if (a.trim() === b.trim()) { return true; }
    if (input.classList.contains("text")) { return false; }
    var x = api.rules.parseCount(a), y = api.rules.parseCount(b);
    return x.error === undefined && y.error === undefined && x.value === y.value;
  }

  banner.querySelector(".draft-restore").addEventListener("click", function () {
    var draft = pending;
    pending = null;
    banner.hidden = true;
    restore(draft);
    keep();
  });
  banner.querySelector(".draft-discard").addEventListener("click", function () {
    pending = null;
    banner.hidden = true;
    var store = storage();
    if (store) { store.removeItem(key); }
    keep();
  });

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("entry:changed", later);

  // Logging out takes this user's drafts away (session.js): leaving still asks, and the draft is kept
  // again only if the officer stays on the page.
  var loggingOut = false, logout = document.querySelector("form.logout");
  if (logout) { logout.addEventListener("submit", function () { loggingOut = true; }); }

  window.addEventListener("beforeunload", function (event) {
    if (leaving || grid.countChanged() === 0) { return; }
    if (loggingOut) {
      setTimeout(function () { loggingOut = false; keep(); }, 1000);  // runs only if the page stayed
    } else {
      keep();
    }
    event.preventDefault();
    event.returnValue = "";  // browsers show their own words; this asks them to ask
  });

  // The save goes through fetch, so that a lost connection or a failing server leaves the page (and
  // what is typed) in place with a button to send it again. Any other answer is shown as the server
  // wrote it, from this one request: the page a save leads to, or the grid sent back with its checks,
  // a conflict or a refusal (posting the form again would make the server do the work twice).
  var button = form.querySelector('button[type="submit"]');
  function post() {
    var status = document.getElementById("entry-status");
    retry.hidden = true;
    if (button) { button.disabled = true; }
    if (status) { status.textContent = grid.text("saving"); }
    keep();
    function failed(reason) {
      if (button) { button.disabled = false; }
      if (status) { status.textContent = ""; }
      retry.querySelector(".retry-text").textContent = grid.text(reason);
      retry.hidden = false;
      retry.querySelector("button").focus();
    }
    return fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"})
      .then(function (response) {
        if (response.status >= 500) { failed("serverError"); return; }
        return response.text().then(function (html) { show(response, html); });
      }, function () { failed("offline"); });
  }

  // A save that redirected back to this grid was stored: its draft goes. A redirect elsewhere (the
  // login page, once the session ended) stored nothing, and the draft stays for after the login.
  function show(response, html) {
    var saved = response.redirected && new URL(response.url).pathname === new URL(form.action).pathname;
    var store = storage();
    if (saved && store) { store.removeItem(key); }
    leaving = true;
    clearTimeout(timer);
    window.history.replaceState(null, "", response.url || form.action);
    delete window.BhytEntry;  // the new page's scripts make their own
    document.open();
    document.write(html);
    document.close();
  }

  form.addEventListener("submit", function (event) {
    if (!window.fetch || !window.FormData) { leaving = true; return; }
    event.preventDefault();
    post();
  });
  retry.querySelector(".retry-save").addEventListener("click", function () {
    if (form.requestSubmit) { form.requestSubmit(); } else { post(); }
  });

  offer();
  if (!pending) { keep(); }
}());
