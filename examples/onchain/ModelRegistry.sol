// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

/// The call every zkonnx model contract answers (contracts/ZkonnxVerifier.sol through the model's
/// stub): true for a valid proof, false for a well-formed proof that fails, a revert for
/// malformed input.
interface IZkonnxModelVerifier {
    function verifyProof(bytes calldata proof, uint256[] calldata instances) external view returns (bool);
}

/// @title ModelRegistry: an on-chain oracle of zkonnx predictions.
/// @notice In the shape of ERC-7992's draft ("Verifiable ML Model Inference"): models are
/// registered under an ID, and `verifyInference` accepts a prediction only with a valid
/// zero-knowledge proof of that model; the prediction is then stored for anyone to read.
/// It is an example, not a full ERC-7992 implementation (no ERC-165, no proof-system
/// dispatch: every model here is a zkonnx halo2/KZG model; the outputs are the proof's
/// fixed-point integers rather than opaque bytes).
///
/// What a registered model pins, and who checks what:
/// - `verifier`, the model's own verifier contract (deployed from `evmModelInitcode(bundle,
///   reusableVerifier)`): it holds the model's verifying key, so it pins the circuit (the
///   model's architecture and quantization) and the SRS. A valid proof for it is a proof of
///   that circuit.
/// - the weights. With committed params (zkonnx's default), the model's contract pins them too:
///   its verifying key carries their salted commitments, and a proof of other weights fails it.
///   Such a model is registered with `paramIndex` 0 and `paramCommitment` 0.
///   With hashed params, `paramCommitment` is the Poseidon commitment of the (salted) weights:
///   the verifying key does NOT pin hashed weights (the commitment is a public instance), so
///   this registry requires `instances[paramIndex] == paramCommitment`: the proof is of THESE
///   weights.
/// - `modelId` is zkonnx's model ID (`inspect(proof, bundle).modelId`, `zkonnx commit`): it
///   hashes the bundle's fingerprint and the params commitment off-chain (Blake2b; the chain
///   does not recompute it). It is the key users know the model by; the registry's owner vouches
///   that the verifier and commitment registered under it are the ones it names. That is why
///   registration is owner-only (see `registerModel`).
///
/// Public instances: instance 0 is the layout digest, then each public tensor in the order of
/// `evmLayout(bundle)` (zkonnx/verifier), which gives each tensor's `first` instance, its
/// `rows` and its `scale`. A value is a signed fixed-point integer q mod r (r = BN254's scalar
/// modulus: an instance above (r - 1) / 2 stands for q - r), the real value being q / 2^scale.
contract ModelRegistry {
    /// BN254's scalar field modulus r: every instance is below it (the verifier checks).
    uint256 internal constant R = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// (r - 1) / 2: instances above it are negative.
    uint256 internal constant HALF_R = (R - 1) / 2;

    struct Model {
        /// the model's verifier contract (0: not registered)
        address verifier;
        /// the fixed-point scale of the outputs (real value = q / 2^outputScale)
        uint8 outputScale;
        /// hashed params: the params commitment every proof of this model must carry ...
        uint256 paramCommitment;
        /// ... at this instance (0: committed params, pinned by the verifier contract)
        uint256 paramIndex;
        /// the outputs' first instance and how many there are (evmLayout's `first`, `rows`)
        uint256 outputFirst;
        uint256 outputRows;
    }

    struct Inference {
        bytes32 modelId;
        /// who submitted the proof
        address submitter;
        uint64 blockNumber;
        uint8 scale;
        /// keccak256 of every public instance (abi.encodePacked(instances)): the proof's inputs
        /// (public ones, or their commitments) and outputs, to tell which input a prediction is for
        bytes32 instancesHash;
        /// the outputs, signed fixed-point integers (real value = q / 2^scale)
        int256[] outputs;
    }

    /// Registers models: the deployer.
    address public immutable owner;
    /// The registered models, by model ID.
    mapping(bytes32 => Model) public models;
    Inference[] internal _inferences;

    event ModelRegistered(bytes32 indexed modelId, address verifier, uint256 paramCommitment);
    event InferenceVerified(
        bytes32 indexed modelId, uint256 indexed inferenceId, address submitter, int256[] outputs, uint8 scale
    );

    /// Only the owner registers models.
    error NotOwner(address caller);
    /// A model ID is registered once and for all (a registry whose entries could change would
    /// let earlier readers be fooled by later ones).
    error AlreadyRegistered(bytes32 modelId);
    /// The verifier address holds no code.
    error NotAContract(address verifier);
    /// The params commitment's instance lies inside the outputs, the output range is empty, or a
    /// commitment is given without its instance.
    error BadLayout();
    /// No model is registered under this ID.
    error UnknownModel(bytes32 modelId);
    /// The instances are too short for the registered layout.
    error MalformedInstances(uint256 length, uint256 needed);
    /// The proof's params commitment is not the registered one: a proof of other weights.
    error WrongParams(bytes32 modelId, uint256 expected, uint256 got);
    /// The model's verifier did not accept the proof: it returned false (`reverted` false: a
    /// well-formed proof that fails) or reverted (`reverted` true, `reason` its revert data:
    /// a malformed proof, or instances of another layout).
    error InvalidProof(bytes32 modelId, bool reverted, bytes reason);
    /// No inference has this ID.
    error UnknownInference(uint256 inferenceId);

    constructor() {
        owner = msg.sender;
    }

    /// Registers a model: its verifier contract, the params commitment its proofs must carry,
    /// and where the commitment and the outputs sit in the instances (from
    /// `evmLayout(bundle)`: the `params` entry's `first`, the output's `first`, `rows` and
    /// `scale`). Committed params have no `params` entry: `paramCommitment` and `paramIndex`
    /// are 0. Owner-only, once per model ID: first-come registration would let anyone claim
    /// a published model ID with a verifier or a commitment of their own before its modeler does.
    function registerModel(
        bytes32 modelId,
        address verifier,
        uint256 paramCommitment,
        uint256 paramIndex,
        uint256 outputFirst,
        uint256 outputRows,
        uint8 outputScale
    ) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (models[modelId].verifier != address(0)) revert AlreadyRegistered(modelId);
        if (verifier.code.length == 0) revert NotAContract(verifier);
        // instance 0 is the layout digest; the commitment is not one of the outputs; without
        // one (committed params) paramCommitment is 0 too
        if (
            outputRows == 0 || outputFirst == 0 || (paramIndex == 0 && paramCommitment != 0)
                || (paramIndex >= outputFirst && paramIndex < outputFirst + outputRows)
        ) revert BadLayout();
        models[modelId] = Model(verifier, outputScale, paramCommitment, paramIndex, outputFirst, outputRows);
        emit ModelRegistered(modelId, verifier, paramCommitment);
    }

    /// Verifies a proof of model `modelId` and stores its prediction. `proof` and `instances`
    /// are `verifyProof`'s arguments (zkonnx/verifier's `proofArgs(proof)`). Reverts with
    /// UnknownModel, MalformedInstances, WrongParams or InvalidProof; returns the new
    /// inference's ID (`getInference`, `outputsOf`).
    function verifyInference(bytes32 modelId, bytes calldata proof, uint256[] calldata instances)
        external
        returns (uint256 inferenceId)
    {
        Model storage m = models[modelId];
        address verifier = m.verifier;
        if (verifier == address(0)) revert UnknownModel(modelId);

        // 1. hashed params: the proof is of the registered weights (cheap: checked before the
        // proof); committed params: the verifier contract checks them
        uint256 needed = m.outputFirst + m.outputRows;
        if (m.paramIndex >= needed) needed = m.paramIndex + 1;
        if (instances.length < needed) revert MalformedInstances(instances.length, needed);
        if (m.paramIndex != 0 && instances[m.paramIndex] != m.paramCommitment) {
            revert WrongParams(modelId, m.paramCommitment, instances[m.paramIndex]);
        }

        // 2. the proof is valid for the registered circuit and keys. A low-level staticcall,
        // not try/catch: a verifier that returns something other than one ABI-encoded `true`
        // (false, nothing, garbage) is a rejection here, never a revert inside the decoder.
        (bool ok, bytes memory ret) =
            verifier.staticcall(abi.encodeCall(IZkonnxModelVerifier.verifyProof, (proof, instances)));
        if (!ok) revert InvalidProof(modelId, true, ret);
        if (ret.length != 32 || abi.decode(ret, (uint256)) != 1) revert InvalidProof(modelId, false, ret);

        // 3. the verified outputs, decoded into signed fixed-point integers
        uint256 n = m.outputRows;
        int256[] memory outputs = new int256[](n);
        for (uint256 i = 0; i < n; i++) {
            outputs[i] = toSigned(instances[m.outputFirst + i]);
        }

        inferenceId = _inferences.length;
        Inference storage inf = _inferences.push();
        inf.modelId = modelId;
        inf.submitter = msg.sender;
        inf.blockNumber = uint64(block.number);
        inf.scale = m.outputScale;
        inf.instancesHash = keccak256(abi.encodePacked(instances));
        inf.outputs = outputs;
        emit InferenceVerified(modelId, inferenceId, msg.sender, outputs, m.outputScale);
    }

    /// An instance (below r: the verifier accepted it) as the signed integer it encodes.
    function toSigned(uint256 x) public pure returns (int256) {
        // both branches fit: r < 2^254
        return x > HALF_R ? -int256(R - x) : int256(x);
    }

    /// A stored inference: its model, submitter, block, output scale, instances hash, outputs.
    function getInference(uint256 inferenceId) external view returns (Inference memory) {
        if (inferenceId >= _inferences.length) revert UnknownInference(inferenceId);
        return _inferences[inferenceId];
    }

    /// A stored inference's outputs (signed fixed-point integers: divide by 2^scale).
    function outputsOf(uint256 inferenceId) external view returns (int256[] memory) {
        if (inferenceId >= _inferences.length) revert UnknownInference(inferenceId);
        return _inferences[inferenceId].outputs;
    }

    /// How many inferences are stored (IDs are 0 .. count - 1).
    function inferenceCount() external view returns (uint256) {
        return _inferences.length;
    }
}
