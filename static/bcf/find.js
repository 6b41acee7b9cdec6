// A check's link to a placeholder left in an answer ("?find=xx#id_vision-vision-text"): select the
// placeholder in its box and scroll the box to it, instead of leaving the officer at the top of a
// long answer. Without JavaScript the link still lands on the box.
const find = new URLSearchParams(window.location.search).get('find')
const id = decodeURIComponent(window.location.hash.slice(1))
const box = find && id ? document.getElementById(id) : null
if (box && typeof box.value === 'string') {
  const at = box.value.indexOf(find)
  if (at >= 0) {
    box.focus()
    box.setSelectionRange(at, at + find.length)
    // Bring the selection into view: measure the text before it in a copy of the box.
    const mirror = document.createElement('div')
    const style = window.getComputedStyle(box)
    for (const name of ['font', 'lineHeight', 'padding', 'border', 'boxSizing', 'whiteSpace', 'wordWrap', 'overflowWrap', 'letterSpacing']) {
      mirror.style[name] = style[name]
    }
    mirror.style.width = box.clientWidth + 'px'
    mirror.style.position = 'absolute'
    mirror.style.visibility = 'hidden'
    mirror.style.whiteSpace = 'pre-wrap'
    mirror.textContent = box.value.slice(0, at)
    document.body.appendChild(mirror)
    box.scrollTop = Math.max(0, mirror.scrollHeight - box.clientHeight / 2)
    mirror.remove()
    box.scrollIntoView({ block: 'center' })
    const note = document.createElement('p')
    note.className = 'govuk-body govuk-!-font-weight-bold bcf-found'
    note.id = 'bcf-found'
    note.textContent = 'The placeholder “' + find + '” is selected in the box below.'
    box.parentNode.insertBefore(note, box)
  }
}
