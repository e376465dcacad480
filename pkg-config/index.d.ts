// Types of the npm package `zkonnx` (the entries 'zkonnx', 'zkonnx/browser', 'zkonnx/node').
// They name ECMAScript types only (no DOM, no Node types), so they check under any `lib`, with
// `skipLibCheck` off. The objects are ezkl's JSON files: settings.json, witness.json,
// proof.json, input.json.

/** Who sees a tensor: `Public` values are in the proof; `Hashed` a Poseidon commitment of them
 * (params: salted); `Committed` params (the default) are bound by salted commitments published
 * in the keys and the bundle; `Fixed` params are in the verifying key; `Private` values are not
 * bound. */
export type Visibility = 'Public' | 'Private' | 'Fixed' | 'Hashed' | 'Committed';

/** `settings.run_args`: ezkl's run arguments, as settings hold them. */
export interface RunArgs {
  /** fixed-point scale of the inputs: a value x is stored as round(x · 2^input_scale) */
  input_scale: number;
  /** fixed-point scale of the weights */
  param_scale: number;
  scale_rebase_multiplier: number;
  /** the quantized range lookups cover, [low, high) */
  lookup_range: [number, number];
  table_shift: number;
  /** the circuit has 2^logrows rows: the SRS must have at least that many points */
  logrows: number;
  num_inner_cols: number;
  /** e.g. [['batch_size', 1]] */
  variables: Array<[string, number]>;
  input_visibility: Visibility;
  output_visibility: Visibility;
  param_visibility: Visibility;
  check_mode: 'SAFE' | 'UNSAFE';
  decomp_base: number;
  decomp_legs: number;
}

/** `runArgs` of genSettings and Prover.create: any subset of RunArgs (omitted fields take ezkl's
 * defaults); visibilities also in lower case. */
export type RunArgsInput = Partial<Omit<RunArgs, 'input_visibility' | 'output_visibility' | 'param_visibility'>> & {
  input_visibility?: Visibility | Lowercase<Visibility>;
  output_visibility?: Visibility | Lowercase<Visibility>;
  param_visibility?: Visibility | Lowercase<Visibility>;
};

/** A function a lookup table evaluates, e.g. { fn: 'Sigmoid' } or { fn: 'LeakyRelu', alpha: 0.01 }. */
export interface LookupFunction {
  fn: string;
  [parameter: string]: string | number;
}

/** `settings.json` (genSettings, calibrateSettings, compiledSettings). */
export interface Settings {
  run_args: RunArgs;
  /** rows the model's layout uses */
  num_rows: number;
  total_assignments: number;
  total_const_size: number;
  /** shapes of the public tensors in instance order after the layout digest (which has no
   * entry here): the params commitment when params are hashed ([1]), the inputs, the outputs;
   * a hashed input or output is [1] (its commitment) */
  model_instance_shapes: number[][];
  model_input_shapes: number[][];
  model_output_shapes: number[][];
  /** per input / output: its fixed-point scale (a value is stored as round(x · 2^scale)) */
  model_input_scales: number[];
  model_output_scales: number[];
  /** The inputs' and outputs' ONNX names: labels for people, not part of the circuit or the
   * proof (absent from settings made before zkonnx wrote them). */
  model_input_names?: string[];
  model_output_names?: string[];
  required_lookups: LookupFunction[];
  /** each lookup table's input domain */
  table_domains: Array<[number, number]>;
  commit_digits: number;
  commit_rows: number;
  /** the commitment chip's shape: narrower ones take fewer columns and more rows */
  commit_shape: "Wide" | "Mid" | "Narrow" | "Stacked";
  version: string;
}

/** `input.json`: one array of floats per model input (several samples back to back form
 * calibration data). */
export interface InputData {
  input_data: number[][];
}

/** A field element of BN254's scalar field: 64 hex digits, little-endian (ezkl's encoding). */
export type Felt = string;

/** Decoded values, as decimal strings (`Number(s)` for numbers), one array per tensor. */
export interface PrettyElements {
  /** the inputs as floats (dequantized) */
  rescaled_inputs: string[][];
  /** the inputs as quantized integers */
  inputs: string[][];
  /** the outputs as floats (dequantized) */
  rescaled_outputs: string[][];
  /** the outputs as quantized integers */
  outputs: string[][];
}

/** `witness.json` (genWitness). */
export interface Witness {
  inputs: Felt[][];
  outputs: Felt[][];
  pretty_elements: PrettyElements;
  max_lookup_inputs: number;
  min_lookup_inputs: number;
  /** commitments of hashed tensors (0x…, informative: proving recomputes them) */
  processed_params?: { poseidon_hash: string[] };
  processed_inputs?: { poseidon_hash: string[] };
  processed_outputs?: { poseidon_hash: string[] };
  /** salts of hashed inputs / outputs (0x…), one per tensor */
  input_salts?: string[];
  output_salts?: string[];
}

/** The public values of a proof, decoded by the prover (verifiers decode `instances` instead:
 * `inspect` of 'zkonnx/verifier'). */
export interface PrettyPublicInputs extends PrettyElements {
  /** the params commitment (0x…), with hashed params */
  param_commitment?: string;
  input_commitments?: string[];
  output_commitments?: string[];
}

/** `proof.json` (prove): what a verifier needs besides the verifying key or bundle. */
export interface Proof {
  /** the public instances, one column: the layout digest, then commitments and public values */
  instances: Felt[][];
  /** 0x + the proof's bytes in hex */
  hex_proof: string;
  pretty_public_inputs: PrettyPublicInputs;
  transcript_type: string;
  protocol: string;
  version: string;
  /** the fingerprint of the keys' bundle, as the prover wrote it: a hint for the message when
   * the proof fails against another bundle; nothing a verifier shows is read from it */
  keys_fingerprint?: string;
}

/** `verifier.bundle`: everything 'zkonnx/verifier' needs besides the proof (a few KB). */
export type Bundle = Uint8Array;

/** What setup makes: the verifying key, the proving key and the bundle, as bytes. */
export interface Keys {
  vk: Uint8Array;
  pk: Uint8Array;
  bundle: Bundle;
}

/** An AbortSignal (DOM's or Node's; only these members are used). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** What `onProgress` says about a stage besides its name and the call's fraction. Three kinds
 * of event: a stage starts (`done: false`), a running stage's interpolated progress
 * (`interpolated: true`, `zkonnx/worker` only), a stage ends (`done: true`). */
export interface StageInfo {
  /** false when the stage starts (and while it runs), true when it has finished */
  done: boolean;
  /** the long stages (setup, witness, prove, verify): estimated seconds on this module and its
   * threads, from the circuit's size, corrected by how the stages already finished compared */
  estimate?: number;
  /** the stage has no estimate (load, settings, calibrate, compile, srs: the SRS's fetch and
   * check): show a busy marker, not a bar */
  indeterminate?: true;
  /** while not done: the call's fraction when this stage ends */
  end?: number;
  /** when done: the stage's seconds */
  seconds?: number;
  /** `zkonnx/worker` only: an event of a clock (every 200 ms) while a stage with an estimate
   * runs, not a measurement (the stage reports nothing until it ends): `fraction` is moved
   * towards `end` by `stageFraction` */
  interpolated?: true;
  /** interpolated events: seconds since the stage started */
  elapsed?: number;
  /** interpolated events: `elapsed / estimate`, at most 0.95 (the stage ends when it ends) */
  stageFraction?: number;
  /** once the circuit is compiled: every long stage's estimate, corrected as `estimate` is (for
   * a page to show them before the stages run) */
  estimates?: StageEstimates;
}

/** A stage of Prover.create ('load' in a Worker, 'settings', 'calibrate', 'compile', 'srs',
 * 'setup'), of prove ('witness', 'prove') or of verify ('verify'). */
export type Stage = 'load' | 'settings' | 'calibrate' | 'compile' | 'srs' | 'setup' | 'witness' | 'prove' | 'verify';

/** Called when a stage starts and when it ends (`info.done`), and in `zkonnx/worker` every
 * 200 ms while a stage with an estimate runs (`info.interpolated`); `fraction` of the call done,
 * 0 to 1. */
export type OnProgress = (stage: Stage, fraction: number, info?: StageInfo) => void;

/** Estimated seconds of the long stages (`estimateStages`; `srs` from `estimateSrs`, once the
 * SRS file is at hand). */
export interface StageEstimates {
  setup: number;
  witness: number;
  prove: number;
  verify: number;
  srs?: number;
}

/** The build that runs: 'web' (browser, single-threaded), 'mt' (threaded, 32-bit-limb field
 * arithmetic), 'mt-wide' (browser, threaded, WebAssembly wide-arithmetic), 'node' (Node,
 * single-threaded). */
export type ModuleKind = 'web' | 'mt' | 'mt-wide' | 'node';

/** The loaded module: the pipeline's functions. Bytes are Uint8Arrays (a Node Buffer is one). */
export interface Zkonnx {
  /** `gen-settings`: settings for the model, from (partial) run arguments. */
  genSettings(onnx: Uint8Array, runArgs?: RunArgsInput): Settings;
  /** `calibrate-settings`: scales, lookup range and logrows fitted to the data; 'resources'
   * (the default) picks the cheapest setting within tolerance, 'accuracy' the most precise. */
  calibrateSettings(onnx: Uint8Array, settings: Settings, data: InputData, target?: 'resources' | 'accuracy'): Settings;
  /** `compile-circuit`: the compiled circuit's bytes. With hashed or committed params, `salt`
   * (0x…, 64 hex digits) is the params commitments' salt; omitted, a fresh random one. */
  compileCircuit(onnx: Uint8Array, settings: Settings, salt?: string): Uint8Array;
  /** The params commitment (0x…) of a compiled circuit with hashed params (pins the weights,
   * not the circuit: publish the model ID). */
  commit(compiledCircuit: Uint8Array): string;
  /** The model ID (0x…) of a compiled circuit and its keys' bundle (`setup`'s `bundle`): what a
   * modeler publishes and verifiers pin (it covers the circuit, keys, SRS and params commitment). */
  modelId(compiledCircuit: Uint8Array, bundle: Uint8Array): string;
  /** The verification bundle of a vk and the SRS it was made with (`setup`'s `bundle`). */
  bundleOf(vk: Uint8Array, srs: Uint8Array, settings: Settings): Uint8Array;
  /** What to publish (modelers) and what to pin (verifiers), in the words the CLI uses. */
  trustText(): { publish: string; pin: string };
  /** The params salt (0x…, secret: keep it with the model), or undefined (params neither
   * hashed nor committed). */
  paramSalt(compiledCircuit: Uint8Array): string | undefined;
  /** The settings inside a compiled circuit. */
  compiledSettings(compiledCircuit: Uint8Array): Settings;
  /** An UNSAFE development SRS (anyone can forge proofs for keys made with it), for tests: slow
   * in WebAssembly; make SRS files with the CLI (`zkonnx get-srs`, or `zkonnx gen-srs`). */
  genSrs(logrows: number, seed?: number): Uint8Array;
  /** Checks an SRS file and downsizes it to `logrows`. */
  loadSrs(srs: Uint8Array, logrows: number): Uint8Array;
  /** KZG setup: the proving and verifying keys and the bundle for 'zkonnx/verifier'. */
  setup(compiledCircuit: Uint8Array, srs: Uint8Array): Keys;
  /** The float model's outputs on the first sample of `input`, one array per output. */
  floatOutputs(onnx: Uint8Array, settings: Settings, input: InputData): number[][];
  /** `gen-witness`: the quantized run of the model on `input`. */
  genWitness(compiledCircuit: Uint8Array, input: InputData): Witness;
  /** `mock`: true, or throws an Error naming the failing constraints. */
  mock(compiledCircuit: Uint8Array, witness: Witness): boolean;
  /** `prove`: the proof (`proof.json`). */
  prove(compiledCircuit: Uint8Array, witness: Witness, pk: Uint8Array, srs: Uint8Array): Proof;
  /** `verify`: true for a valid proof, false for an invalid one; throws for malformed bytes. */
  verify(proof: Proof, settings: Settings, vk: Uint8Array, srs: Uint8Array): boolean;
  /** A float as the field element of its quantization at `scale`. */
  floatToFelt(x: number, scale: number): Felt;
  /** A field element as the float it encodes at `scale`. */
  feltToFloat(felt: Felt, scale: number): number;
  /** Estimated seconds of setup, witness, prove and verify for this compiled circuit on this
   * module with its threads, from the circuit's size (rows, columns, lookups, degree). */
  estimateStages(compiledCircuit: Uint8Array): StageEstimates;
  /** Estimated seconds of `loadSrs(srs, logrows)` on this module (0 for bytes that are no SRS):
   * quick when the file carries the Lagrange basis of that size (zkonnx's `gen-srs`, `srs
   * import`, `get-srs` write every smaller size's), slow when it must be computed. */
  estimateSrs(srs: Uint8Array, logrows: number): number;
  /** A stage's estimate rescaled by the finished stages (`done`: their estimates and actual
   * seconds, in pairs): the rule the CLI applies too (bounded to 4× either way). */
  rescaleEstimate(estimate: number, done: Float64Array): number;
  /** Bytes of WebAssembly memory (the peak so far: it never shrinks). */
  memoryBytes(): number;
  /** Threads the prover uses (1 single-threaded). */
  numThreads(): number;
  /** How many distinct threads run a task broadcast to the pool (a check that they work). */
  threadsUsed(): number;
  /** Resolves when the module takes calls again after an internal error restarted it. */
  ready(): Promise<void>;
  /** The build that runs. */
  readonly module: ModuleKind;
}

export interface LoadOptions {
  /** threads of the threaded module; default: the machine's logical cores */
  threads?: number;
  /** the single-threaded module even where threads are possible */
  single?: boolean;
  /** browser: force (true) or refuse (false) the wide-arithmetic build; default: whether the
   * engine validates its instructions (`hasWideArithmetic()`) */
  wideArithmetic?: boolean;
}

/**
 * Load zkonnx. Browser: threaded when the page (or Worker) is cross-origin isolated (unless
 * `single`), single-threaded otherwise. Node: threaded over worker_threads unless `threads: 1`
 * or `single`. Unknown options are an Error.
 */
export function load(options?: LoadOptions): Promise<Zkonnx>;
/** Whether this engine validates WebAssembly's wide-arithmetic instructions (i64.mul_wide_u). */
export function hasWideArithmetic(): boolean;

/** An SRS file's bytes. */
export type SrsBytes = Uint8Array | ArrayBuffer;

/** The SRS: its bytes, or a function of logrows (k) giving them, called once calibration has
 * fixed k (e.g. to fetch the file made for that k). */
export type SrsOption = SrsBytes | ((logrows: number) => SrsBytes | Promise<SrsBytes>);

export interface ProverOptions {
  /** the SRS file's bytes (at least 2^logrows points; a larger one is downsized), or a
   * function `(logrows) => bytes` (sync or async) called in the 'srs' stage */
  srs: SrsOption;
  /** calibration data: scales, lookup range and logrows are fitted to it */
  calibration?: InputData;
  target?: 'resources' | 'accuracy';
  runArgs?: RunArgsInput;
  /** the settings of an earlier run (`prover.settings`), used as they are (instead of
   * `runArgs`, `calibration` and `target`) */
  settings?: Settings;
  /** keys of an earlier run (a cache): setup is skipped; the first proof checks them */
  keys?: { vk: Uint8Array; pk: Uint8Array; bundle?: Bundle };
  /** the params salt (0x…, hashed or committed params) to reuse (with cached keys, the salt of
   * their run); omitted: a fresh random one */
  salt?: string;
  onProgress?: OnProgress;
  /** cancels between stages (in a Worker, at once) */
  signal?: AbortSignalLike;
}

export interface ProveOptions {
  onProgress?: OnProgress;
  signal?: AbortSignalLike;
}

/** `verify`'s options: progress (the stage 'verify') and cancel, as `prove`'s. */
export type VerifyOptions = ProveOptions;

export interface ProveResult {
  proof: Proof;
  witness: Witness;
  /** the proven outputs as floats (witness.pretty_elements.rescaled_outputs as numbers) */
  outputs: number[][];
}

/** What a Prover made once for its model: settings, keys, the bundle and commitment to publish. */
export interface ProverState {
  readonly settings: Settings;
  readonly vk: Uint8Array;
  readonly pk: Uint8Array;
  /** the verification bundle: publish it with the commitment for 'zkonnx/verifier' */
  readonly bundle: Bundle;
  /** the params salt (hashed or committed params; secret: keep it with the model), or null */
  readonly salt: string | null;
  /** the params commitment (0x…) in every proof, or null (params not hashed) */
  readonly commitment: string | null;
  /** the model ID (0x…): publish it; verifiers pin it (`verify(proof, bundle, { modelId })`).
   * null only when `keys` handed to `create` do not fit this model (the first `prove` says so). */
  readonly modelId: string | null;
}

/** Made once per model (settings, calibration, circuit, keys); proves inputs one after another. */
export class Prover implements ProverState {
  private constructor();
  static create(zk: Zkonnx, onnx: Uint8Array, opts: ProverOptions): Promise<Prover>;
  prove(input: InputData, opts?: ProveOptions): Promise<ProveResult>;
  /** true if the proof verifies with this model's keys (synchronous) */
  verify(proof: Proof, opts?: VerifyOptions): boolean;
  /** the float model's outputs on the first sample of `input` (to show beside the proven ones) */
  floatOutputs(input: InputData): number[][];
  /** bytes of the module's WebAssembly memory (the peak so far) */
  memoryBytes(): number;
  /** the compiled circuit */
  readonly compiled: Uint8Array;
}
/** settings, keys, bundle, salt, commitment, modelId: ProverState's members (declaration merging) */
export interface Prover extends ProverState {}
