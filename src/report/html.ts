import type { Renderer } from './types.js';

export const renderHtml: Renderer = (result) => `${JSON.stringify(result)}\n`;
