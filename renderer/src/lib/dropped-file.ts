// What a dropped or pasted file is for: an image → load its generation parameters into Generate; anything
// else → import it as a model. While dragging only the MIME type is known (names come with the drop).
export type DropPurpose = 'parameters' | 'model';

export function purposeOfType(mimeType: string): DropPurpose {
  return mimeType.startsWith('image/') ? 'parameters' : 'model';
}

export function purposeOfFile(file: File): DropPurpose {
  return purposeOfType(file.type) === 'parameters' || /\.(png|jpe?g|webp)$/i.test(file.name) ? 'parameters' : 'model';
}
