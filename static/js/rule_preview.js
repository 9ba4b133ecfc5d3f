// The programme admin's "Preview" button: counts the households of the user's area that the
// rule in the text box selects, without saving it (no inline scripts: CSP). The admin loads
// this in the page's head, hence the wait for the document.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-preview-url]").forEach((textarea) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = textarea.dataset.previewLabel;
    const output = document.createElement("p");
    output.className = "help";
    output.setAttribute("aria-live", "polite");
    textarea.after(button, output);

    button.addEventListener("click", async () => {
      const form = textarea.form;
      const body = new FormData();
      body.append("rule", textarea.value);
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      button.disabled = true;
      try {
        const response = await fetch(textarea.dataset.previewUrl, {
          method: "POST",
          body,
          credentials: "same-origin",
        });
        const answer = await response.json();
        output.textContent = answer.error || answer.message;
        output.style.color = answer.error ? "var(--error-fg)" : "";
      } catch (error) {
        output.textContent = String(error);
      } finally {
        button.disabled = false;
      }
    });
  });
});
