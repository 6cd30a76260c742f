/**
 * A model's `source.url` comes from whoever made the file. Only a web address may become a link: a `javascript:` URL
 * would run script on this page when clicked, a `data:` or `blob:` one would show content the model brought.
 */

/** `url` when it is an absolute http: or https: address (as the browser will read it), else undefined. */
export function webAddress(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    // The URL parser drops the tabs, newlines and leading spaces that "java\tscript:" hides behind.
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
}
