export type Zkonnx = typeof import('./web/zkonnx.js');
/** Load zkonnx: threaded when the page is cross-origin isolated, single-threaded otherwise. */
export function load(options?: { threads?: number }): Promise<Zkonnx>;

export interface ProverOptions {
  calibration?: { input_data: number[][] };
  target?: 'resources' | 'accuracy';
  srs: Uint8Array;
  runArgs?: Record<string, unknown>;
  keys?: { vk: Uint8Array; pk: Uint8Array };
  onProgress?: (stage: string, fraction: number) => void;
  signal?: AbortSignal;
}
/** Made once per model; proves inputs one after another. */
export class Prover {
  static create(zk: Zkonnx, onnx: Uint8Array, opts: ProverOptions): Promise<Prover>;
  prove(input: { input_data: number[][] }, opts?: { onProgress?: (stage: string, fraction: number) => void; signal?: AbortSignal }): Promise<{ proof: any; witness: any; outputs: number[][] }>;
  verify(proof: any): boolean;
  readonly settings: any;
  readonly vk: Uint8Array;
  readonly pk: Uint8Array;
}
