/** Hands `content` to the browser as a file download named `name`; nothing leaves the browser. */
export function downloadFile(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the URL after the click's task: it is let go a while later, not at once.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
