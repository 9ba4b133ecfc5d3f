// Draws each <canvas data-chart="ID"> from the JSON in the element with that id
// (written by Django's json_script). The same numbers stand in a table beside each chart.
(function () {
  "use strict";
  if (!window.Chart) {
    return;
  }
  var palette = ["#0b5ed7", "#198754", "#fd7e14", "#dc3545", "#6f42c1", "#0aa2c0",
                 "#b58100", "#6c757d", "#d63384", "#20c997"];
  // A long label in lines of at most `width` characters (Chart.js draws an array as lines),
  // so that a phone's narrow chart shows it whole instead of cutting it at the edge.
  function wrap(label, width) {
    var lines = [];
    String(label).split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= width) {
        lines[last] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines.length > 1 ? lines : label;
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    var narrow = canvas.parentElement.clientWidth < 576;
    var labels = spec.kind === "doughnut" ? spec.labels : spec.labels.map(function (label) {
      return wrap(label, narrow ? 14 : 28);
    });
    var round = spec.kind === "doughnut";
    var stacked = spec.kind === "stacked";
    var sideways = spec.sideways;
    var axis = { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } };
    new window.Chart(canvas, {
      type: round ? "doughnut" : spec.kind === "line" ? "line" : "bar",
      data: {
        labels: labels,
        datasets: spec.datasets.map(function (dataset, i) {
          var colour = round ? palette.slice(0, dataset.data.length) : palette[i % palette.length];
          return { label: dataset.label, data: dataset.data, backgroundColor: colour, borderColor: colour };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: sideways ? "y" : "x",
        // Sideways, every category keeps its (wrapped) label: none skipped for want of room.
        scales: round ? {} : sideways
          ? { x: axis, y: { stacked: stacked, ticks: { autoSkip: false } } }
          : { x: axis, y: axis },
        plugins: { legend: { display: round || spec.datasets.length > 1, position: "bottom" } }
      }
    });
  });
})();
