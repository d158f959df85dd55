// Clicking a suggested skill replaces the word being typed in the skills field.
(function () {
  document.addEventListener('click', function (event) {
    const button = event.target.closest('[data-skill]')
    if (!button) return
    const input = document.getElementById(button.dataset.target)
    const parts = input.value.split(',')
    parts[parts.length - 1] = ' ' + button.dataset.skill
    input.value = parts.map(function (p) { return p.trim() }).filter(Boolean).join(', ') + ', '
    document.getElementById(button.dataset.list).replaceChildren()
    input.focus()
  })
})()
