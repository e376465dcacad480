/** proof.json: the parsed object, its text, or its bytes. */
export type ProofInput = { hex_proof: string; instances: string[][] } | string | Uint8Array | ArrayBuffer;
/** The verification bundle file's bytes (written by `zkonnx setup`). */
export type BundleInput = Uint8Array | ArrayBuffer;
/** true if the proof verifies against the bundle, false if not; throws an Error for malformed input. */
export function verify(proof: ProofInput, bundle: BundleInput, expect?: {
  /** 0x… as `zkonnx commit` prints it */
  paramCommitment?: string; inputCommitment?: string; outputCommitment?: string; fingerprint?: string;
}): boolean;
/** The public values, dequantized, one array per public tensor; and the bundle's fingerprint. */
export function inspect(proof: ProofInput, bundle: BundleInput): {
  fingerprint: string; inputs: number[][]; outputs: number[][]; logrows: number; version: string;
  /** the params commitment (hashed params), or null: the proof does not bind the weights */
  paramCommitment: string | null; inputCommitments: string[]; outputCommitments: string[];
  /** what the SRS is: a recognised ceremony, an UNSAFE development SRS, or unrecognised */
  srs: string; devSrs: boolean;
  /** The seed of zkonnx's UNSAFE development SRS the keys were made with (anyone can forge
   * proofs for them), or null: not a development SRS zkonnx knows. */
  devSrsSeed: number | null;
};
/** The bundle's fingerprint (64 hex digits, Blake2b-256 over the model's verification data). */
export function fingerprint(bundle: BundleInput): string;
/** The Poseidon commitment (0x…) of a tensor's quantized integers, as the circuit computes it. */
export function commitment(opts: {
  kind: 'params' | 'input' | 'output'; values: number[]; salt?: string; limbBits?: number; bundle?: BundleInput;
}): string;
/** Alias of `commitment`. */
export const poseidon: typeof commitment;
