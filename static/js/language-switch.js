// The language menu changes the page's language as soon as a language is chosen (no inline
// handler: the Content-Security-Policy allows scripts only from files).
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.id === "language-select") {
    select.form.requestSubmit();
  }
});
