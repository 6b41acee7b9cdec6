// Part 2 pages: show the computed figures beside the inputs as the user types. The figures come from
// the server (the same view, with action=calculate, saving nothing), so the page never does its own
// arithmetic. Without JavaScript the "Calculate" button does the same.
for (const form of document.querySelectorAll('form[data-bcf-live]')) {
  let timer = null
  let controller = null
  const update = () => {
    const data = new FormData(form)
    data.set('action', 'calculate')
    if (controller) controller.abort()
    controller = new AbortController()
    fetch(form.dataset.bcfLive, {
      method: 'POST',
      body: data,
      headers: { 'X-BCF-Live': '1' },
      credentials: 'same-origin',
      signal: controller.signal
    })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, 'text/html')
        for (const part of fresh.querySelectorAll('[data-bcf-live-id]')) {
          const target = document.querySelector(`[data-bcf-live-id="${part.dataset.bcfLiveId}"]`)
          if (target) target.innerHTML = part.innerHTML
        }
      })
      .catch(() => {}) // the figures stay as they were; saving still works
  }
  form.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(update, 350)
  })
}
