// kommunebench: small progressive enhancements. Every page works without them.
(function () {
  "use strict";
  var counter = 0;

  // A wide table scrolls on its own. Its region is labelled by the table's caption and is a
  // tab stop (so keyboard users can scroll it) only while it actually overflows.
  function regions() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var caption = wrap.querySelector("caption");
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        if (caption) {
          if (!caption.id) { caption.id = "tabel-" + (++counter); }
          wrap.setAttribute("aria-labelledby", caption.id);
        }
        wrap.setAttribute("role", "region");
        wrap.tabIndex = 0;
      } else {
        wrap.removeAttribute("role");
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("aria-labelledby");
      }
    });
  }

  // A cell's value for sorting: its first number in Danish notation (1.580; −0,26), else text.
  function value(cell) {
    var text = cell.textContent.trim();
    var m = text.replace(/\u2212/g, "-").match(/^[-+]?[\d.]*\d(,\d+)?/);
    if (!m) { return { text: text.toLowerCase() }; }
    return { num: parseFloat(m[0].replace(/\./g, "").replace(",", ".")) };
  }

  function sortable(table) {
    var heads = table.tHead.rows[0].cells;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir);
        var sign = dir === "ascending" ? 1 : -1;
        rows.sort(function (a, b) {
          var x = value(a.cells[col]);
          var y = value(b.cells[col]);
          var c = (x.num !== undefined && y.num !== undefined)
            ? x.num - y.num
            : String(x.text || x.num).localeCompare(String(y.text || y.num), "da");
          return c * sign || (value(a.cells[0]).num - value(b.cells[0]).num);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
    var filterCol = -1;
    Array.prototype.forEach.call(heads, function (th, i) { if (th.dataset.filter) { filterCol = i; } });
    if (filterCol < 0) { return; }
    var id = "filter-" + (++counter);
    var box = document.createElement("div");
    box.className = "filter";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = heads[filterCol].dataset.filter + ": ";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.className = "note";
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(status);
    var wrap = table.closest(".table-wrap") || table;
    wrap.parentNode.insertBefore(box, wrap);
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (r) {
        var hit = !q || r.cells[filterCol].textContent.toLowerCase().indexOf(q) >= 0;
        r.hidden = !hit;
        if (hit) { shown++; }
      });
      status.textContent = q ? "Viser " + shown + " af " + rows.length + "." : "";
    });
  }

  document.querySelectorAll("table.sortable").forEach(sortable);
  regions();
  window.addEventListener("resize", regions);
})();
