// Monthly entry grid: spreadsheet keys, pasting a block from Excel/LibreOffice, live coverage rate.
// Loaded as a file because the CSP forbids inline scripts; the server re-checks everything.
(function () {
  "use strict";
  var grid = document.querySelector("table.entry-grid");
  if (!grid) { return; }

  // Words shown to the officer come from the template, translated there ({% translate %}).
  function text(name) {
    return grid.dataset["text" + name.charAt(0).toUpperCase() + name.slice(1)] || "";
  }

  function cell(r, c) {
    return grid.querySelector('input[data-r="' + r + '"][data-c="' + c + '"]');
  }

  // 46106, 46.106 or 46 106 -> 46106; anything else -> null (the server explains why).
  function parseCount(text) {
    var raw = (text || "").trim();
    if (/^\d+$/.test(raw)) { return parseInt(raw, 10); }
    if (/^\d{1,3}([.\s\u00a0\u202f,])\d{3}(\1\d{3})*$/.test(raw)) { return parseInt(raw.replace(/\D/g, ""), 10); }
    return null;
  }

  function formatRate(enrolled, population) {
    if (enrolled === null || !population) { return text("none"); }
    var rate = Math.round(enrolled * 10000 / population) / 100;
    return rate.toFixed(2).replace(".", ",") + "%";
  }

  function formatCount(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function refreshRow(r) {
    var population = cell(r, 0), enrolled = cell(r, 1);
    var out = grid.querySelector('[data-rate-for="' + r + '"]');
    if (!population || !enrolled || !out) { return; }
    var total = parseCount(enrolled.value);
    out.textContent = formatRate(total, parseCount(population.value));
    var sum = null;
    grid.querySelectorAll('input[data-r="' + r + '"][data-key^="g-"]').forEach(function (input) {
      var v = parseCount(input.value);
      if (v !== null) { sum = (sum || 0) + v; }
    });
    var note = grid.querySelector('[data-groups-for="' + r + '"]');
    if (note) {
      note.textContent = (sum !== null && total !== null && sum !== total)
        ? text("groupsDiffer").replace("{sum}", formatCount(sum)).replace("{total}", formatCount(total)) : "";
    }
  }

  function move(input, dr, dc) {
    var r = parseInt(input.dataset.r, 10), c = parseInt(input.dataset.c, 10);
    // Skip cells a row does not have (e.g. cohort columns outside the directive's communes).
    for (var step = 1; step < 50; step++) {
      var next = cell(r + dr * step, c + dc * step);
      if (next) { next.focus(); next.select(); return true; }
      if (dr !== 0 && !grid.querySelector('tr[data-row="' + (r + dr * step) + '"]')) { return false; }
    }
    return false;
  }

  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (input.tagName !== "INPUT" || input.dataset.r === undefined) { return; }
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    if (event.key === "Enter") {
      event.preventDefault();  // Enter moves down as in a spreadsheet; the Save button submits
      move(input, event.shiftKey ? -1 : 1, 0);
    } else if (event.key === "ArrowDown") {
      event.preventDefault(); move(input, 1, 0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault(); move(input, -1, 0);
    } else if (event.key === "ArrowRight" && (atEnd || whole)) {
      event.preventDefault(); move(input, 0, 1);
    } else if (event.key === "ArrowLeft" && (atStart || whole)) {
      event.preventDefault(); move(input, 0, -1);
    }
  });

  grid.addEventListener("paste", function (event) {
    var input = event.target;
    if (input.tagName !== "INPUT" || input.dataset.r === undefined) { return; }
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(text.replace(/\r?\n$/, ""))) { return; }  // one value: let the browser paste it
    event.preventDefault();
    var lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
    var r0 = parseInt(input.dataset.r, 10), c0 = parseInt(input.dataset.c, 10);
    lines.forEach(function (line, i) {
      line.split("\t").forEach(function (value, j) {
        var target = cell(r0 + i, c0 + j);
        if (target) { target.value = value.trim(); }
      });
      refreshRow(r0 + i);
    });
  });

  grid.addEventListener("input", function (event) {
    if (event.target.dataset.r !== undefined) { refreshRow(parseInt(event.target.dataset.r, 10)); }
  });
}());
