// The delivery monitor's chart: deliveries of the last 24 h, stacked by status per app + destination.
(() => {
  const source = document.getElementById("chart-data");
  if (!source || !window.Chart) return;
  const chart = JSON.parse(source.textContent);
  const colours = {
    pending: "#9aa5b8", sending: "#5b8def", delivered: "#1c7c4b",
    skipped: "#c9a227", failed: "#b42318", dead: "#6e1a14",
  };
  new window.Chart(document.getElementById("status-chart"), {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: chart.datasets.map((set) => ({
        label: set.label, data: set.data, backgroundColor: colours[set.status] || "#888",
        maxBarThickness: 28,
      })),
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();
