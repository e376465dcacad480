//! KZG on BN254 as zkonnx's prover and key generation use it: halo2-axiom's KZG and SHPLONK with
//! the commitments computed by our own multi-scalar multiplication ([`msm`]) natively.
//!
//! halo2-axiom's prover and key generation reach every commitment through their params'
//! `commit` / `commit_lagrange` ([`Params`], [`ParamsProver`]), and are generic over the
//! commitment scheme. [`ProverParams`] holds the SRS points of one size (halo2's `ParamsKZG`
//! with the powers, and the Lagrange basis beside it) and commits with [`msm::msm`];
//! [`Scheme`] and [`Shplonk`] plug it into `create_proof`, `keygen_vk` and `keygen_pk`. The proof
//! bytes are those of `KZGCommitmentScheme` with `ProverSHPLONK` (the same points, the same
//! transcript): proofs verify with halo2's verifier, the light verifier and the contract as
//! before. The SHPLONK opening's two commitments stay halo2's.
//!
//! The same on wasm32, where [`msm::msm`] takes every term (the WebAssembly builds' diff of
//! halo2curves, PATCHES.md, then serves only the SHPLONK opening's commitments).

pub(crate) mod light;
pub mod link;
pub mod msm;

use std::io;

use halo2_proofs::arithmetic::best_multiexp;
use halo2_proofs::poly::commitment::{Blind, CommitmentScheme, Params, ParamsProver, Prover};
use halo2_proofs::poly::kzg::commitment::{KZGCommitmentScheme, ParamsKZG};
use halo2_proofs::poly::kzg::msm::MSMKZG;
use halo2_proofs::poly::kzg::multiopen::ProverSHPLONK;
use halo2_proofs::poly::{Coeff, LagrangeCoeff, Polynomial, ProverQuery};
use halo2_proofs::transcript::{EncodedChallenge, TranscriptWrite};
use halo2curves::bn256::{Bn256, Fr, G1Affine, G2Affine, G1};
use rand::RngCore;

/// The SRS of one size as the prover uses it: halo2's params holding the powers `g` (and `g2`,
/// `s·g2`), with the Lagrange basis beside them (halo2's own copy of it is left empty: its
/// field is private, and [`ProverParams::commit_lagrange`] needs it).
#[derive(Clone, Debug)]
pub struct ProverParams {
    kzg: ParamsKZG<Bn256>,
    lagrange: Vec<G1Affine>,
}

impl ProverParams {
    /// Params of size 2^k from their parts (`g` and `lagrange` of 2^k points each).
    pub fn from_parts(
        k: u32,
        g: Vec<G1Affine>,
        lagrange: Vec<G1Affine>,
        g2: G2Affine,
        s_g2: G2Affine,
    ) -> Self {
        ProverParams {
            kzg: params_of(k, g, Some(vec![]), g2, s_g2),
            lagrange,
        }
    }

    /// halo2's params with the powers (what verification, the SHPLONK opening and the bundle
    /// read); its Lagrange basis is empty.
    pub fn kzg(&self) -> &ParamsKZG<Bn256> {
        &self.kzg
    }

    /// The Lagrange basis (`[Lᵢ(τ)]`, one per row).
    pub fn lagrange(&self) -> &[G1Affine] {
        &self.lagrange
    }

    /// halo2's params whole (powers and basis), e.g. to write them in halo2's layout.
    pub fn to_halo2(&self) -> ParamsKZG<Bn256> {
        params_of(
            self.kzg.k(),
            self.kzg.get_g().to_vec(),
            Some(self.lagrange.clone()),
            self.kzg.g2(),
            self.kzg.s_g2(),
        )
    }

    fn from_halo2(p: ParamsKZG<Bn256>) -> Self {
        // halo2 keeps its basis private: recompute it from the powers
        let k = p.k();
        let proj: Vec<G1> = p.get_g().iter().map(|q| q.into()).collect();
        let lagrange = halo2_proofs::arithmetic::g_to_lagrange(proj, k);
        ProverParams::from_parts(k, p.get_g().to_vec(), lagrange, p.g2(), p.s_g2())
    }
}

/// halo2's params from their parts (`lagrange`: `None` has halo2 compute the basis).
pub(crate) fn params_of(
    k: u32,
    g: Vec<G1Affine>,
    lagrange: Option<Vec<G1Affine>>,
    g2: G2Affine,
    s_g2: G2Affine,
) -> ParamsKZG<Bn256> {
    use rand::SeedableRng;
    // `from_parts` is a method: any params will do as the receiver
    let shell = ParamsKZG::<Bn256>::setup(0, rand::rngs::StdRng::seed_from_u64(0));
    shell.from_parts(k, g, lagrange, g2, s_g2)
}

/// Σ scalars[i]·bases[i]: [`msm::msm`] from [`msm::MIN_POINTS`] terms, else halo2's.
pub fn commit(scalars: &[Fr], bases: &[G1Affine]) -> G1 {
    if scalars.len() >= msm::MIN_POINTS {
        msm::msm(scalars, bases)
    } else {
        best_multiexp(scalars, bases)
    }
}

impl<'params> Params<'params, G1Affine> for ProverParams {
    type MSM = MSMKZG<Bn256>;

    fn k(&self) -> u32 {
        self.kzg.k()
    }

    fn n(&self) -> u64 {
        self.kzg.n()
    }

    fn downsize(&mut self, k: u32) {
        let mut full = self.to_halo2();
        full.downsize(k);
        *self = ProverParams::from_halo2(full);
    }

    fn empty_msm(&'params self) -> MSMKZG<Bn256> {
        MSMKZG::new()
    }

    fn commit_lagrange(&self, poly: &Polynomial<Fr, LagrangeCoeff>, _: Blind<Fr>) -> G1 {
        // as halo2's KZG: the blind is not used (hiding comes from the circuit's blinding rows)
        commit(poly, &self.lagrange[..poly.len()])
    }

    fn write<W: io::Write>(&self, writer: &mut W) -> io::Result<()> {
        self.to_halo2().write(writer)
    }

    fn read<R: io::Read>(reader: &mut R) -> io::Result<Self> {
        ParamsKZG::<Bn256>::read(reader).map(ProverParams::from_halo2)
    }
}

impl<'params> ParamsProver<'params, G1Affine> for ProverParams {
    type ParamsVerifier = ParamsKZG<Bn256>;

    fn new(k: u32) -> Self {
        ProverParams::from_halo2(ParamsKZG::<Bn256>::new(k))
    }

    fn commit(&self, poly: &Polynomial<Fr, Coeff>, _: Blind<Fr>) -> G1 {
        commit(poly, &self.kzg.get_g()[..poly.len()])
    }

    fn get_g(&self) -> &[G1Affine] {
        self.kzg.get_g()
    }

    fn verifier_params(&'params self) -> &'params ParamsKZG<Bn256> {
        &self.kzg
    }
}

/// KZG on BN254 with [`ProverParams`]: verifies as `KZGCommitmentScheme<Bn256>`.
#[derive(Debug)]
pub struct Scheme;

impl CommitmentScheme for Scheme {
    type Scalar = Fr;
    type Curve = G1Affine;
    type ParamsProver = ProverParams;
    type ParamsVerifier = ParamsKZG<Bn256>;

    fn new_params(k: u32) -> ProverParams {
        ProverParams::new(k)
    }

    fn read_params<R: io::Read>(reader: &mut R) -> io::Result<ProverParams> {
        ProverParams::read(reader)
    }
}

/// halo2's SHPLONK multi-opening prover over [`ProverParams`]' powers.
pub struct Shplonk<'params>(ProverSHPLONK<'params, Bn256>);

impl<'params> Prover<'params, Scheme> for Shplonk<'params> {
    const QUERY_INSTANCE: bool = <ProverSHPLONK<'params, Bn256> as Prover<
        'params,
        KZGCommitmentScheme<Bn256>,
    >>::QUERY_INSTANCE;

    fn new(params: &'params ProverParams) -> Self {
        Shplonk(ProverSHPLONK::new(&params.kzg))
    }

    fn create_proof<'com, E: EncodedChallenge<G1Affine>, T: TranscriptWrite<G1Affine, E>, R, I>(
        &self,
        rng: R,
        transcript: &mut T,
        queries: I,
    ) -> io::Result<()>
    where
        I: IntoIterator<Item = ProverQuery<'com, G1Affine>> + Clone,
        R: RngCore,
    {
        <ProverSHPLONK<'params, Bn256> as Prover<'params, KZGCommitmentScheme<Bn256>>>::create_proof(
            &self.0, rng, transcript, queries,
        )
    }
}
