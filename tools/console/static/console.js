// The console's only script (the CSP allows no inline script): small conveniences, nothing a page needs to work.
// A "select all" box toggles the row boxes of its own form.
document.addEventListener('change', (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.matches('input[data-select-all]')) return;
  for (const row of box.form?.querySelectorAll('input[type=checkbox][name=id]') ?? []) row.checked = box.checked;
});
