// A comparison member's difference heat map lives next to its image: <image>.heatmap.png. The name does not
// match the library's image pattern, so reconciliation leaves it alone; purging the image removes it.
export function heatmapPathFor(imagePath: string): string {
  return `${imagePath.replace(/\.png$/i, '')}.heatmap.png`;
}
