// The GOV.UK timeout warning. The page says how many seconds its session has left
// (data-bcf-session-left, from the server) and how long before the end to warn. Two minutes before,
// a dialog counts down; "Stay signed in" renews the session without leaving the page. When the time
// runs out the browser signs out and shows "You have been signed out"; text typed in a section is
// kept by drafts.js, so nothing typed is lost.
const body = document.body
const dialog = document.getElementById('bcf-timeout')
const secondsLeft = Number(body.dataset.bcfSessionLeft)
const warnSeconds = Number(body.dataset.bcfSessionWarning || 120)

if (dialog && typeof dialog.showModal === 'function' && secondsLeft > 0) {
  const form = dialog.querySelector('form')
  const countdown = dialog.querySelector('[data-bcf-countdown]')
  let endsAt = Date.now() + secondsLeft * 1000
  let lastSpoken = ''
  let timer = null

  const words = (ms) => {
    const s = Math.max(0, Math.ceil(ms / 1000))
    if (s >= 60) {
      const m = Math.ceil(s / 60)
      return m + (m === 1 ? ' minute' : ' minutes')
    }
    return s + (s === 1 ? ' second' : ' seconds')
  }

  const signOut = () => {
    clearInterval(timer)
    const here = window.location.pathname + window.location.search
    const next = document.createElement('input')
    next.type = 'hidden'
    next.name = 'next'
    next.value = '/signed-out/?' + new URLSearchParams({ timeout: '1', next: here })
    form.appendChild(next)
    form.action = dialog.querySelector('[data-bcf-leave]').getAttribute('formaction')
    form.submit()
  }

  const tick = () => {
    const left = endsAt - Date.now()
    if (left <= 0) {
      signOut()
      return
    }
    if (left <= warnSeconds * 1000) {
      if (!dialog.open) dialog.showModal()
      // Screen readers hear the time in whole minutes, then every 15 seconds in the last minute.
      const text = words(left)
      if (text !== lastSpoken && (left > 60000 || Math.ceil(left / 1000) % 15 === 0 || lastSpoken === '')) {
        countdown.textContent = text
        lastSpoken = text
      }
    }
  }

  const stay = async () => {
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body: new FormData(form),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin'
      })
      const data = await response.json()
      if (!response.ok || !data.signed_in) {
        signOut()
        return
      }
      endsAt = Date.now() + data.seconds_left * 1000
      lastSpoken = ''
      dialog.close()
    } catch (error) {
      form.submit() // no network answer: fall back to the ordinary form post
    }
  }

  dialog.querySelector('[data-bcf-stay]').addEventListener('click', (event) => {
    event.preventDefault()
    stay()
  })
  // Escape closes the warning and keeps the person signed in, as the GOV.UK pattern does.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    stay()
  })
  timer = setInterval(tick, 1000)
  tick()
}
