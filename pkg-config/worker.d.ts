// Types of 'zkonnx/worker': the Prover in a module Worker (browsers).
import type {
  Bundle, InputData, LoadOptions, ModuleKind, OnProgress, Proof, ProveOptions, ProveResult, ProverOptions,
  ProverState, Settings, SrsBytes, SrsOption, Stage, StageEstimates, StageInfo, VerifyOptions,
} from './index.js';

export type {
  Bundle, InputData, LoadOptions, ModuleKind, OnProgress, Proof, ProveOptions, ProveResult, ProverOptions,
  ProverState, Settings, SrsBytes, SrsOption, Stage, StageEstimates, StageInfo, VerifyOptions,
};

/**
 * A Prover running in a module Worker that this class starts (no Worker script to write): the
 * page stays responsive while it proves. Threaded when the page is cross-origin isolated,
 * single-threaded otherwise. Cancelling (`signal`) stops the Worker at once; the next call starts
 * a fresh one with the same settings, keys and salt (no setup again). Calls run one at a time,
 * in order. `srs` may be a function of logrows: it runs in the page when the Worker asks for it.
 * While a stage with an estimate runs, `onProgress` also gets interpolated events (`info.interpolated`).
 */
export class ProverWorker implements ProverState {
  private constructor();
  /** Starts the Worker, loads zkonnx there (`load` options) and makes the Prover
   * (Prover.create's options). Progress stages: 'load', then Prover.create's. */
  static create(onnx: Uint8Array, opts: ProverOptions, load?: LoadOptions): Promise<ProverWorker>;
  /** Prove one input. */
  prove(input: InputData, opts?: ProveOptions): Promise<ProveResult>;
  /** Verify a proof with this model's keys (in the Worker). */
  verify(proof: Proof, opts?: VerifyOptions): Promise<boolean>;
  /** The float model's outputs on the first sample of `input` (in the Worker). */
  floatOutputs(input: InputData): Promise<number[][]>;
  /** Bytes of the Worker's WebAssembly memory (the peak so far). */
  memoryBytes(): Promise<number>;
  /** Stop the Worker for good: calls in progress reject with an AbortError. */
  terminate(): void;
  /** the build the Worker runs ('mt' or 'mt-wide' threaded, 'web' single-threaded) */
  readonly module: ModuleKind;
  /** threads the Worker's prover uses */
  readonly threads: number;
}
/** settings, keys, bundle, salt, commitment, modelId: ProverState's members (declaration merging) */
export interface ProverWorker extends ProverState {}
