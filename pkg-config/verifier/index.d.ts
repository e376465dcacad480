/** proof.json: the parsed object, its text, or its bytes. */
export type ProofInput = { hex_proof: string; instances: string[][] } | string | Uint8Array | ArrayBuffer;
/** The verification bundle file's bytes (written by `zkonnx setup`). */
export type BundleInput = Uint8Array | ArrayBuffer;
/** What a verifier expects, each key optional; a key that is present must hold a value (null,
 * undefined or '' is an Error, never a match). Pin `modelId`: it covers the circuit, its keys and
 * SRS, and the params commitment; a commitment or fingerprint alone leaves part unpinned. */
export interface Expect {
  /** 0x… as `zkonnx commit` prints it (`model id 0x…`), or `Prover`'s `modelId` */
  modelId?: string;
  /** the params commitment (pins the weights, not the circuit) */
  paramCommitment?: string;
  /** one per hashed input tensor, in order */
  inputCommitments?: string[];
  /** one per hashed output tensor, in order */
  outputCommitments?: string[];
  /** the first hashed input's commitment, or a list (as `inputCommitments`) */
  inputCommitment?: string | string[];
  /** the first hashed output's commitment, or a list (as `outputCommitments`) */
  outputCommitment?: string | string[];
  /** the verification bundle's fingerprint (pins the circuit and keys, not hashed weights) */
  fingerprint?: string;
}
/** How much of the model the expectations pinned. */
export type Pinned = 'model' | 'weights-only' | 'circuit-only' | 'nothing';
/** true if the proof verifies against the bundle and matches every expectation, false if not;
 * throws an Error for malformed input or an expectation present without a value. */
export function verify(proof: ProofInput, bundle: BundleInput, expect?: Expect): boolean;
/** The verdict with its reasons. */
export function verifyReport(proof: ProofInput, bundle: BundleInput, expect?: Expect): {
  /** the proof verifies and matches every expectation */
  valid: boolean;
  /** null when the proof is invalid or an expectation failed */
  pinned: Pinned | null;
  /** `pinned` in words (the CLI's and the pages' wording), or null */
  statement: string | null;
  /** why a valid proof is not of the expected model, or null */
  mismatch: string | null;
  /** what the proof's instances say (`inspect`), or null for an invalid proof */
  info: Info | null;
  /** an invalid proof whose `keys_fingerprint` names other keys than the bundle's (the same
   * model set up again, or with another SRS: check it with the bundle published with it): both
   * fingerprints; null otherwise. A hint for the message, read from the proof: never a verdict */
  otherKeys: { proof: string; bundle: string } | null;
};
/** What to publish (modelers) and what to pin (verifiers), in the words the CLI and pages use. */
/** A visibility's name, as settings spell it in lower case. */
export type VisibilityName = 'public' | 'hashed' | 'private' | 'fixed' | 'committed';
/** The one wording of what a modeler publishes and a verifier pins, and what a proof
 * establishes about the params, the input and the output under each visibility (the lines
 * `zkonnx verify` prints). */
export function trustText(): {
  publish: string;
  pin: string;
  visibility: Record<'params' | 'input' | 'output', Partial<Record<VisibilityName, string>>>;
};
/** The public values, dequantized, one array per public tensor; and the bundle's fingerprint. */
export function inspect(proof: ProofInput, bundle: BundleInput): Info;
/** What a proof's instances say, decoded with the bundle's layout. */
export interface Info {
  fingerprint: string; inputs: number[][]; outputs: number[][]; logrows: number; version: string;
  /** the model ID of this bundle and the proof's params commitment: compare it with the published one */
  modelId: string;
  /** how the params are bound: a commitment in the proof, the keys, or not at all */
  params: 'hashed' | 'fixed' | 'private' | 'committed';
  /** `params` in words */
  paramsMeaning: string;
  /** the params commitment (hashed params), or null (fixed and committed params are bound by the keys; private ones not at all) */
  paramCommitment: string | null; inputCommitments: string[]; outputCommitments: string[];
  /** what the SRS is: a recognised ceremony, an UNSAFE development SRS, or unrecognised */
  srs: string; devSrs: boolean;
  /** The seed of zkonnx's UNSAFE development SRS the keys were made with (anyone can forge
   * proofs for them), or null: not a development SRS zkonnx knows. */
  devSrsSeed: number | null;
}
/** The bundle's fingerprint (64 hex digits, Blake2b-256 over the model's verification data). */
export function fingerprint(bundle: BundleInput): string;
/** The calldata (0x…) of `verifyProof(bytes proof, uint256[] instances)`, the call a model's
 * verifier contract takes (send it with viem or ethers: `{ to: modelVerifier, data }`). */
export function encodeCalldata(proof: ProofInput): `0x${string}`;
/** `verifyProof`'s arguments as viem/ethers take them: [proof bytes (0x…), public values]. */
export function proofArgs(proof: ProofInput): [`0x${string}`, bigint[]];
/** Where each public tensor sits in a proof's `instances` (instance 0 is the layout digest):
 * values are signed fixed-point integers (an instance above (r−1)/2 is negative; value =
 * q / 2^scale), a commitment takes one instance. */
export function evmLayout(bundle: BundleInput): Array<{
  role: 'input' | 'output' | 'params'; index: number; first: number; rows: number; scale: number;
  commitment: boolean;
}>;
/** The Poseidon commitment (0x…) of a tensor's quantized integers, as the circuit computes it. */
export function commitment(opts: {
  kind: 'params' | 'input' | 'output'; values: number[]; salt?: string; limbBits?: number; bundle?: BundleInput;
}): string;
/** Alias of `commitment`. */
export const poseidon: typeof commitment;
