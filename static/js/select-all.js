// A checkbox with data-select-all="NAME" checks or clears every checkbox named NAME in its
// form. A static file, not inline script, so the Content-Security-Policy can forbid inline code.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) return;
  const scope = box.form || document;
  scope.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`).forEach((item) => {
    item.checked = box.checked;
  });
});
