// Copy buttons: <button data-copy-target="input-id" data-copied-label="Copied">.
// Without JavaScript (or clipboard access) the read-only field can still be selected by hand.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyTarget);
  if (!field) return;
  field.select();
  const done = () => {
    const label = button.querySelector("span") || button;
    label.textContent = button.dataset.copiedLabel || label.textContent;
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => {});
  } else if (document.execCommand("copy")) {
    done();
  }
});
