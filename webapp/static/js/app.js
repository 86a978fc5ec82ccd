// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Product fields: fill the <datalist> from the suggest endpoint as the user types.
  function debounce(fn, ms) {
    var t;
    return function () { var a = arguments, self = this; clearTimeout(t); t = setTimeout(function () { fn.apply(self, a); }, ms); };
  }

  function fill(list, values) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    values.forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      list.appendChild(option);
    });
  }

  function wireSuggest(input) {
    var listId = input.getAttribute("list");
    var list = listId && document.getElementById(listId);
    var url = document.body.getAttribute("data-suggest-url") || "/produk/saran";
    if (!list) { return; }
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) { return; }
      fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          fill(list, items.map(function (item) { return item.name; }));
          // A unit box tied to this field offers the units of the best suggestion.
          var units = document.querySelector("input[data-units-for='" + input.name + "']");
          var unitList = units && units.list;
          if (unitList && items.length) { fill(unitList, items[0].units); }
        })
        .catch(function () { /* offline: the server still resolves what was typed */ });
    }, 200));
  }

  // <select data-autosubmit> submits its form on change (the form keeps its own button).
  function wireAutosubmit(select) {
    select.addEventListener("change", function () { if (select.form) { select.form.submit(); } });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), wireSuggest);
    Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), wireAutosubmit);
  });
})();
