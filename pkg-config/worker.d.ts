// Types of 'zkonnx/worker': the Prover in a module Worker (browsers).
import type {
  Bundle, InputData, LoadOptions, ModuleKind, Proof, ProveOptions, ProveResult, ProverOptions,
  ProverState, Settings,
} from './index.js';

export type {
  Bundle, InputData, LoadOptions, ModuleKind, Proof, ProveOptions, ProveResult, ProverOptions,
  ProverState, Settings,
};

/**
 * A Prover running in a module Worker that this class starts (no Worker script to write): the
 * page stays responsive while it proves. Threaded when the page is cross-origin isolated,
 * single-threaded otherwise. Cancelling (`signal`) stops the Worker at once; the next call starts
 * a fresh one with the same settings, keys and salt (no setup again). Calls run one at a time,
 * in order.
 */
export class ProverWorker implements ProverState {
  private constructor();
  /** Starts the Worker, loads zkonnx there (`load` options) and makes the Prover
   * (Prover.create's options). Progress stages: 'load', then Prover.create's. */
  static create(onnx: Uint8Array, opts: ProverOptions, load?: LoadOptions): Promise<ProverWorker>;
  /** Prove one input. */
  prove(input: InputData, opts?: ProveOptions): Promise<ProveResult>;
  /** Verify a proof with this model's keys (in the Worker). */
  verify(proof: Proof): Promise<boolean>;
  /** Stop the Worker for good: calls in progress reject with an AbortError. */
  terminate(): void;
  /** the build the Worker runs ('mt' or 'mt-wide' threaded, 'web' single-threaded) */
  readonly module: ModuleKind;
  /** threads the Worker's prover uses */
  readonly threads: number;
}
/** settings, keys, bundle, salt, commitment, modelId: ProverState's members (declaration merging) */
export interface ProverWorker extends ProverState {}
