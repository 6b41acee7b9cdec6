// The "preparing your document" page: poll the job's state, show its progress, and fetch the file
// once it is ready. Without JavaScript the page's Refresh header does the same, less smoothly.
(function () {
  var holder = document.getElementById("pdf-job");
  if (!holder || !window.fetch) return;
  var url = holder.getAttribute("data-status-url");
  var tag = document.getElementById("pdf-job-status");
  var text = document.getElementById("pdf-job-progress");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.status === "ready") { window.location.href = job.file_url; return; }
        if (job.status === "failed") { window.location.reload(); return; }
        tag.textContent = job.status === "running" ? "Being prepared" : "Queued";
        text.textContent = job.progress;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
