// What a proof establishes for each visibility (the same statements `zkonnx verify` prints).
export const MEANING = {
  input: {
    public: 'input public: its values are in the proof, and the proof is about exactly them',
    hashed: 'input hashed: the proof carries a Poseidon commitment of the input; the values stay private',
    private: 'input private: the proof holds for SOME input, which it does not identify',
  },
  output: {
    public: 'output public: the proven outputs are in the proof',
    hashed: 'output hashed: the proof carries a commitment of the outputs; the values stay private',
    private: 'output private: the outputs are neither revealed nor bound',
  },
  params: {
    hashed: 'params hashed: the proof binds the weights to a salted commitment, part of the model ID you publish; the weights stay private',
    fixed: 'params fixed: the weights are in the verifying key (anyone holding it can test a guessed model against it)',
    private: 'params private: the proof does NOT bind the model: any weights of this architecture verify',
  },
};
