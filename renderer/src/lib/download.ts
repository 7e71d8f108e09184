// Saving images from the browser (web mode): an <a download> on the same-origin image URL, so the browser's
// own download handling names and stores the file.
export function imageFileName(generationId: number, seed: number): string {
  return `dato-studio-${generationId}-seed${seed}.png`;
}

export function downloadUrl(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}
