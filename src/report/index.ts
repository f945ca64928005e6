/** One renderer per format, loaded on demand. */
import type { Renderer } from './types.js';

export const FORMATS = ['text', 'markdown', 'json', 'sarif', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export async function rendererFor(format: Format): Promise<Renderer> {
  switch (format) {
    case 'text':
      return (await import('./text.js')).renderText;
    case 'json':
      return (await import('./json.js')).renderJson;
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdown;
    case 'sarif':
      return (await import('./sarif.js')).renderSarif;
    case 'html':
      return (await import('./html.js')).renderHtml;
  }
}
