// ModelRegistry.sol's ABI in viem's human-readable form (`parseAbi(registryAbi)`): the page uses
// it, and tests/js/onchain.mjs checks that it matches what solc makes of the contract.
export const registryAbi = [
  'function registerModel(bytes32 modelId, address verifier, uint256 paramCommitment, uint256 paramIndex, uint256 outputFirst, uint256 outputRows, uint8 outputScale)',
  'function verifyInference(bytes32 modelId, bytes proof, uint256[] instances) returns (uint256 inferenceId)',
  'function models(bytes32) view returns (address verifier, uint8 outputScale, uint256 paramCommitment, uint256 paramIndex, uint256 outputFirst, uint256 outputRows)',
  'struct Inference { bytes32 modelId; address submitter; uint64 blockNumber; uint8 scale; bytes32 instancesHash; int256[] outputs; }',
  'function getInference(uint256 inferenceId) view returns (Inference)',
  'function outputsOf(uint256 inferenceId) view returns (int256[])',
  'function inferenceCount() view returns (uint256)',
  'function toSigned(uint256 x) pure returns (int256)',
  'function owner() view returns (address)',
  'event ModelRegistered(bytes32 indexed modelId, address verifier, uint256 paramCommitment)',
  'event InferenceVerified(bytes32 indexed modelId, uint256 indexed inferenceId, address submitter, int256[] outputs, uint8 scale)',
  'error NotOwner(address caller)',
  'error AlreadyRegistered(bytes32 modelId)',
  'error NotAContract(address verifier)',
  'error BadLayout()',
  'error UnknownModel(bytes32 modelId)',
  'error MalformedInstances(uint256 length, uint256 needed)',
  'error WrongParams(bytes32 modelId, uint256 expected, uint256 got)',
  'error InvalidProof(bytes32 modelId, bool reverted, bytes reason)',
  'error UnknownInference(uint256 inferenceId)',
];
