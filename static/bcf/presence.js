// Tells the service this section is open here, every few seconds, and shows who else has it open
// ("Sam Walters is also editing this section"). The server renders the first notice itself, so the
// page says it without JavaScript too; this keeps it current and says when this page is left.
const box = document.querySelector('[data-bcf-presence]')
const form = document.querySelector('form[data-bcf-draft]')

if (box && form && window.fetch) {
  const url = box.dataset.bcfPresence
  const every = Number(box.dataset.bcfHeartbeat || 15) * 1000
  const notice = box.querySelector('[data-bcf-presence-notice]')
  const text = box.querySelector('[data-bcf-presence-text]')
  const token = form.elements.namedItem('csrfmiddlewaretoken').value

  const body = (extra) => {
    const data = new FormData()
    data.append('csrfmiddlewaretoken', token)
    if (extra) data.append(extra, '1')
    return data
  }

  const beat = async () => {
    try {
      const response = await fetch(url, { method: 'POST', body: body(), credentials: 'same-origin', headers: { Accept: 'application/json' } })
      if (!response.ok) return
      const data = await response.json()
      if (text.textContent !== data.message) text.textContent = data.message
      notice.hidden = !data.message
    } catch (error) {
      // Offline for a moment: the next beat tries again.
    }
  }

  setInterval(beat, every)
  window.addEventListener('pagehide', () => navigator.sendBeacon(url, body('leave')))
  window.addEventListener('pageshow', (event) => { if (event.persisted) beat() })
}
