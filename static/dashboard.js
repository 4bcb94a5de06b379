// Small behaviours the server cannot do: copying a secret to the clipboard.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  const text = source.textContent.trim();
  try {
    await navigator.clipboard.writeText(text);
    button.querySelector("span").textContent = "Copied";
  } catch (error) {
    // Without clipboard access (an insecure origin), select the text so Ctrl+C copies it.
    window.getSelection().selectAllChildren(source);
    button.querySelector("span").textContent = "Press Ctrl+C";
  }
});
