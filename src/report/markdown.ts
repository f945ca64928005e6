import type { Renderer } from './types.js';

export const renderMarkdown: Renderer = (result) => `${JSON.stringify(result)}\n`;
