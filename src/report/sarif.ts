import type { Renderer } from './types.js';

export const renderSarif: Renderer = (result) => `${JSON.stringify(result)}\n`;
