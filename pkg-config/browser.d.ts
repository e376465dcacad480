export type Zkonnx = typeof import('./web/zkonnx.js');
/** Load zkonnx: threaded when the page is cross-origin isolated, single-threaded otherwise. */
export function load(options?: { threads?: number }): Promise<Zkonnx>;
