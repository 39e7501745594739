// A grid of inputs that behaves like a spreadsheet: Enter and the arrow keys move between cells,
// and a block copied from Excel or LibreOffice fills the grid from the focused cell. The server
// validates everything; loaded as a file because the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  document.querySelectorAll("table.paste-grid").forEach(function (grid) {
    function cell(r, c) {
      return grid.querySelector('input[data-r="' + r + '"][data-c="' + c + '"]');
    }

    function move(input, dr, dc) {
      var r = parseInt(input.dataset.r, 10), c = parseInt(input.dataset.c, 10);
      for (var step = 1; step < 60; step++) {  // skip columns a row does not have
        var next = cell(r + dr * step, c + dc * step);
        if (next) { next.focus(); next.select(); return; }
        if (dr !== 0 && !grid.querySelector('tr[data-row="' + (r + dr * step) + '"]')) { return; }
      }
    }

    grid.addEventListener("keydown", function (event) {
      var input = event.target;
      if (input.tagName !== "INPUT" || input.dataset.r === undefined) { return; }
      var whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
      if (event.key === "Enter") { event.preventDefault(); move(input, event.shiftKey ? -1 : 1, 0); }
      else if (event.key === "ArrowDown") { event.preventDefault(); move(input, 1, 0); }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(input, -1, 0); }
      else if (event.key === "ArrowRight" && (whole || input.selectionStart === input.value.length)) {
        event.preventDefault(); move(input, 0, 1);
      } else if (event.key === "ArrowLeft" && (whole || input.selectionEnd === 0)) {
        event.preventDefault(); move(input, 0, -1);
      }
    });

    grid.addEventListener("paste", function (event) {
      var input = event.target;
      if (input.tagName !== "INPUT" || input.dataset.r === undefined) { return; }
      var text = (event.clipboardData || window.clipboardData).getData("text");
      if (!/[\t\n]/.test(text.replace(/\r?\n$/, ""))) { return; }  // one value: the browser pastes it
      event.preventDefault();
      var lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
      var r0 = parseInt(input.dataset.r, 10), c0 = parseInt(input.dataset.c, 10);
      var columns = Array.prototype.map.call(grid.querySelectorAll('input[data-r="' + r0 + '"]'),
        function (i) { return parseInt(i.dataset.c, 10); }).filter(function (c) { return c >= c0; });
      lines.forEach(function (line, i) {
        var rowColumns = Array.prototype.map.call(grid.querySelectorAll('input[data-r="' + (r0 + i) + '"]'),
          function (x) { return parseInt(x.dataset.c, 10); }).filter(function (c) { return c >= c0; });
        line.split("\t").forEach(function (value, j) {
          var target = cell(r0 + i, (rowColumns.length ? rowColumns : columns)[j]);
          if (target) { target.value = value.trim(); }
        });
      });
    });
  });
}());
