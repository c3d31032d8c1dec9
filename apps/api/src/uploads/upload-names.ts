/** The client's name is metadata only (storage keys are ours): keep it printable, without paths, ≤ 255 chars. */
export function cleanFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const printable = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return printable.slice(0, 255) || 'file';
}

export function cleanContentType(type: string | undefined): string {
  return type && /^[\w.+-]{1,63}\/[\w.+-]{1,63}$/.test(type) ? type.toLowerCase() : 'application/octet-stream';
}
