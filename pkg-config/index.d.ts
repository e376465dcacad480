type Raw = typeof import('./web/zkonnx.js');
/** The loaded module: the pipeline's functions (see the package README). */
export type Zkonnx = Omit<Raw, 'default' | 'initSync' | 'setup' | 'Keys'> & {
  /** Proving and verifying keys, and the verification bundle (for `zkonnx/verifier`), as bytes. */
  setup(compiledCircuit: Uint8Array, srs: Uint8Array): { vk: Uint8Array; pk: Uint8Array; bundle: Uint8Array };
  /** Resolves when the module takes calls again after an internal error restarted it. */
  ready(): Promise<void>;
  /** The build that runs: 'web' (single-threaded), 'mt' (threaded, 32-bit-limb field
   * arithmetic), 'mt-wide' (threaded, WebAssembly wide-arithmetic) in a browser; 'node' or 'mt' in Node. */
  readonly module: 'web' | 'mt' | 'mt-wide' | 'node';
};
/**
 * Load zkonnx. Browser: threaded when the page is cross-origin isolated (unless `single`),
 * single-threaded otherwise. Node: threaded over worker_threads unless `threads: 1`.
 * `threads` defaults to the machine's logical cores. Threaded in a browser, the build with
 * WebAssembly's wide-arithmetic instructions is taken when the engine validates them
 * (`hasWideArithmetic()`); `wideArithmetic` forces the choice.
 */
export function load(options?: { threads?: number; single?: boolean; wideArithmetic?: boolean }): Promise<Zkonnx>;
/** Whether this engine validates WebAssembly's wide-arithmetic instructions (i64.mul_wide_u). */
export function hasWideArithmetic(): boolean;

export interface ProverOptions {
  calibration?: { input_data: number[][] };
  target?: 'resources' | 'accuracy';
  srs: Uint8Array;
  runArgs?: Record<string, unknown>;
  keys?: { vk: Uint8Array; pk: Uint8Array; bundle?: Uint8Array };
  /** the params commitment's salt (0x…) to reuse; omitted: a fresh random one */
  salt?: string;
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
  /** the verification bundle: publish it with the commitment for `zkonnx/verifier` */
  readonly bundle: Uint8Array;
  /** the params salt (hashed params; secret: keep it with the model), or null */
  readonly salt: string | null;
  /** the params commitment (0x…) verifiers check proofs against, or null (params not hashed) */
  readonly commitment: string | null;
}
