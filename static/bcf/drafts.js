// Text typed in a section is kept in this browser (localStorage) until the server has it, so a session
// that ends, a lost connection or a closed tab does not lose it. Drafts are kept per person and
// section ("bcf-draft:<user>:<plan>:<section>"), cleared when the server says the section was saved
// (data-bcf-saved-draft on the next page), and offered back, to the same person only, when they open
// that section again. Without JavaScript the pages work as before.
const PREFIX = 'bcf-draft:'
const body = document.body
const user = body.dataset.bcfUser

const storage = (() => {
  try {
    const s = window.localStorage
    s.setItem(PREFIX + 'probe', '1')
    s.removeItem(PREFIX + 'probe')
    return s
  } catch (error) {
    return null
  }
})()

const keyFor = (section) => PREFIX + user + ':' + section

const read = (key) => {
  try {
    return JSON.parse(storage.getItem(key))
  } catch (error) {
    return null
  }
}

const fieldsOf = (form) =>
  Array.from(form.elements).filter(
    (el) => el.name && el.name !== 'csrfmiddlewaretoken' && el.name !== 'revision' && !['hidden', 'submit', 'button', 'file', 'password'].includes(el.type)
  )

const valuesOf = (form) => {
  const values = {}
  for (const el of fieldsOf(form)) {
    if (el.type === 'radio' || el.type === 'checkbox') {
      if (el.checked) values[el.name + '=' + el.value] = true
    } else {
      values[el.name] = el.value
    }
  }
  return values
}

const sameValues = (a, b) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  for (const k of keys) if ((a[k] || '') !== (b[k] || '')) return false
  return true
}

if (storage) {
  // The previous page's save reached the server: its draft is no longer needed.
  if (user && body.dataset.bcfSavedDraft) storage.removeItem(keyFor(body.dataset.bcfSavedDraft))

  // Signed out (sign-in and signed-out pages): say the text is kept, if this browser holds any.
  const kept = document.querySelectorAll('[data-bcf-draft-kept]')
  if (kept.length) {
    let any = false
    for (let i = 0; i < storage.length; i++) if (storage.key(i).startsWith(PREFIX)) any = true
    if (any) kept.forEach((el) => { el.hidden = false })
  }

  const form = user && document.querySelector('form[data-bcf-draft]')
  if (form) {
    const key = keyFor(form.dataset.bcfDraft)
    const revisionField = form.elements.namedItem('revision')
    const revision = revisionField ? revisionField.value : ''
    const onServer = valuesOf(form)

    let dirty = false // only what the person typed on this page replaces a kept draft
    const store = () => {
      if (!dirty) return
      const values = valuesOf(form)
      const existing = read(key)
      if (sameValues(values, onServer) && !existing) return
      storage.setItem(key, JSON.stringify({ values, revision, savedAt: new Date().toISOString() }))
    }
    let pending = null
    const later = () => {
      dirty = true
      clearTimeout(pending)
      pending = setTimeout(store, 300)
    }
    form.addEventListener('input', later)
    form.addEventListener('change', later)
    form.addEventListener('submit', store)
    window.addEventListener('pagehide', store)

    const draft = read(key)
    const offer = document.querySelector('[data-bcf-draft-offer]')
    if (draft && draft.values && offer && !sameValues(draft.values, onServer)) {
      const when = new Date(draft.savedAt)
      offer.querySelector('[data-bcf-draft-when]').textContent = isNaN(when) ? '' : ' (' + when.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) + ')'
      offer.querySelector('[data-bcf-draft-changed]').hidden = draft.revision === revision
      offer.hidden = false
      offer.querySelector('[data-bcf-draft-restore]').addEventListener('click', () => {
        for (const el of fieldsOf(form)) {
          if (el.type === 'radio' || el.type === 'checkbox') {
            el.checked = Boolean(draft.values[el.name + '=' + el.value])
          } else if (el.name in draft.values) {
            el.value = draft.values[el.name]
          }
          el.dispatchEvent(new Event('input', { bubbles: true })) // character counts update
        }
        offer.hidden = true
        dirty = true
        store()
        const first = fieldsOf(form).find((el) => el.tagName === 'TEXTAREA')
        if (first) first.focus()
      })
      offer.querySelector('[data-bcf-draft-discard]').addEventListener('click', () => {
        storage.removeItem(key)
        offer.hidden = true
      })
    }
  }
}
