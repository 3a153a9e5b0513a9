// QMS Portal's own behaviour. No inline scripts (CSP): everything is wired here.
document.addEventListener("DOMContentLoaded", () => {
  // The language switcher submits as soon as a language is chosen; its button stays for no-JS use.
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // htmx requests carry the CSRF token.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
});

// The rich-text editor keeps text only: files are uploaded as the revision's source file instead.
document.addEventListener("trix-file-accept", (event) => event.preventDefault());
