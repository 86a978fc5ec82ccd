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

  // <svg data-coordinate-picker> (the join form's map): a click fills the latitude and
  // longitude fields of its form with the point clicked (the server's projection, inverted).
  function wirePicker(svg) {
    var form = svg.closest("form");
    var lat = form && form.querySelector("input[name=latitude]");
    var lon = form && form.querySelector("input[name=longitude]");
    var marker = svg.querySelector("circle.picked");
    if (!lat || !lon) { return; }
    var d = svg.dataset;
    svg.style.cursor = "crosshair";
    svg.addEventListener("click", function (event) {
      var point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      var at = point.matrixTransform(svg.getScreenCTM().inverse());
      var m = parseFloat(d.margin);
      lon.value = (parseFloat(d.lonMin) + (at.x - m) / parseFloat(d.scaleX)).toFixed(5);
      lat.value = (parseFloat(d.latMax) - (at.y - m) / parseFloat(d.scaleY)).toFixed(5);
      if (marker) { marker.setAttribute("cx", at.x); marker.setAttribute("cy", at.y); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("svg[data-coordinate-picker]"), wirePicker);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), wireSuggest);
    Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), wireAutosubmit);
  });
})();
