// Tandem's own small script: confirmations, job progress polling, Plotly charts from JSON blocks.
// No inline scripts anywhere (the CSP forbids them); text goes into the DOM with textContent only.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  function setText(root, field, value) {
    const el = root.querySelector('[data-field="' + field + '"]');
    if (el) { el.textContent = value; }
  }

  function pollJob(section) {
    const url = section.getAttribute("data-job-poll");
    const tick = function () {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (job) {
          setText(section, "status", job.status);
          setText(section, "message", job.message || "—");
          setText(section, "log", (job.log || []).join("\n"));
          const bar = section.querySelector('[data-field="progress"]');
          if (bar && job.total) {
            bar.max = job.total; bar.value = job.progress;
            setText(section, "percent", Math.round(100 * job.progress / job.total) + "%");
          }
          if (job.status === "queued" || job.status === "running") {
            window.setTimeout(tick, 1000);
          } else {
            if (bar) { bar.max = 1; bar.value = job.status === "succeeded" ? 1 : bar.value; }
            setText(section, "finished_at", job.finished_at ? job.finished_at.replace("T", " ").slice(0, 16) + " UTC" : "—");
          }
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    };
    const status = section.getAttribute("data-status");
    if (status === "queued" || status === "running") { tick(); }
  }

  function drawCharts() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("script[type='application/json'][data-plotly]").forEach(function (block) {
      const target = document.getElementById(block.getAttribute("data-plotly"));
      if (!target) { return; }
      const spec = JSON.parse(block.textContent);
      window.Plotly.newPlot(target, spec.data || [], spec.layout || {}, { displaylogo: false, displayModeBar: false, responsive: true });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job-poll]").forEach(pollJob);
    drawCharts();
  });
})();
