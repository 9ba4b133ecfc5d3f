// Draws each <canvas data-chart="ID"> from the JSON in the element with that id
// (written by Django's json_script). The same numbers stand in a table beside each chart.
(function () {
  "use strict";
  if (!window.Chart) {
    return;
  }
  var palette = ["#0b5ed7", "#198754", "#fd7e14", "#dc3545", "#6f42c1", "#0aa2c0",
                 "#b58100", "#6c757d", "#d63384", "#20c997"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    var round = spec.kind === "doughnut";
    var stacked = spec.kind === "stacked";
    var sideways = spec.sideways;
    var axis = { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } };
    new window.Chart(canvas, {
      type: round ? "doughnut" : spec.kind === "line" ? "line" : "bar",
      data: {
        labels: spec.labels,
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
        scales: round ? {} : { x: axis, y: axis },
        plugins: { legend: { display: round || spec.datasets.length > 1, position: "bottom" } }
      }
    });
  });
})();
