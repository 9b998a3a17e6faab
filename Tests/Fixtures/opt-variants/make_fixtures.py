#!/usr/bin/env python3
"""Tiny random OPT checkpoints for every config variant, with reference outputs.

torch and transformers cannot be installed on the build machine, so the reference here is a
plain-numpy forward pass of transformers' `OPTForCausalLM`, written from
`src/transformers/models/opt/modeling_opt.py` (OPTLearnedPositionalEmbedding, OPTAttention with
eager_attention_forward, OPTDecoderLayer, OPTDecoder, OPTForCausalLM) and not from the Swift code.

Trust in this reference: `verify_tiny_opt()` runs the same numpy forward pass on
Tests/Fixtures/tiny-opt (made by transformers itself, F16 weights) and reproduces its
`next_token_nll` within 1e-4 and its residual streams; the script refuses to write anything
if that check fails.

Usage (numpy only):  python3 Tests/Fixtures/opt-variants/make_fixtures.py
It rewrites <variant>/config.json, <variant>/model.safetensors and <variant>/reference.json
next to this script. Random draws come from fixed seeds, so reruns give the same files.

reference.json layout (all numbers computed in float64 from the weights as stored, i.e. after
rounding to the storage dtype):
  input_ids:      [n] token ids
  logits:         [n][vocab_size] logits at every position (position p predicts token p + 1)
  hidden_states:  [num_hidden_layers + 1][n][hidden_size]; entry k < L is the residual stream
                  entering decoder layer k (transformers' `hidden_states[k]`). Entry L is the last
                  layer's output BEFORE final_layer_norm and project_out, i.e. what a split after
                  all L layers sends. (transformers' OPTDecoder appends its last entry after
                  final_layer_norm and project_out, which is not a residual stream and has width
                  word_embed_proj_dim when projections exist; we deliberately store the pre-norm
                  value, as Tests/Fixtures/tiny-opt/reference.json does.)
"""

import json
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.dirname(HERE)
LAYER_NORM_EPS = 1e-5  # nn.LayerNorm's default; OPT never overrides it.
POSITION_OFFSET = 2  # OPTLearnedPositionalEmbedding.offset

# --------------------------------------------------------------------------------------------
# Config handling: the keys transformers' OPTConfig reads, with its defaults.


def full_config(cfg):
    c = {
        "do_layer_norm_before": True,
        "_remove_final_layer_norm": False,
        "enable_bias": True,
        "layer_norm_elementwise_affine": True,
        "tie_word_embeddings": True,
        "activation_function": "relu",
    }
    c.update(cfg)
    c.setdefault("word_embed_proj_dim", c["hidden_size"])
    return c


# --------------------------------------------------------------------------------------------
# The forward pass, following modeling_opt.py. Weights: dict name -> float64 array, names as in
# the checkpoint ("model.decoder.…", "lm_head.weight").


def linear(w, name, x, bias):
    """nn.Linear: x @ W^T + b (weight stored (out, in))."""
    y = x @ w[name + ".weight"].T
    if bias:
        y = y + w[name + ".bias"]
    return y


def layer_norm(w, name, x, affine):
    """nn.LayerNorm over the last dim, biased variance, eps 1e-5; no parameters if not affine."""
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    y = (x - mean) / np.sqrt(var + LAYER_NORM_EPS)
    if affine:
        y = y * w[name + ".weight"] + w[name + ".bias"]
    return y


def attention(w, p, c, x):
    """OPTAttention, eager path, no padding: q is scaled by head_dim^-0.5 right after q_proj;
    the causal mask adds finfo.min above the diagonal; softmax in float."""
    n, d = x.shape
    heads = c["num_attention_heads"]
    hd = d // heads
    bias = c["enable_bias"]
    q = linear(w, p + "q_proj", x, bias) * hd**-0.5
    k = linear(w, p + "k_proj", x, bias)
    v = linear(w, p + "v_proj", x, bias)
    q, k, v = (t.reshape(n, heads, hd).transpose(1, 0, 2) for t in (q, k, v))
    scores = q @ k.transpose(0, 2, 1)  # (heads, n, n); scaling=1.0 in the attention call
    future = np.triu(np.ones((n, n), dtype=bool), k=1)
    scores = np.where(future, -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    probs = np.exp(scores)
    probs = probs / probs.sum(axis=-1, keepdims=True)
    out = (probs @ v).transpose(1, 0, 2).reshape(n, d)
    return linear(w, p + "out_proj", out, bias)


def decoder_layer(w, i, c, h):
    """OPTDecoderLayer.forward (dropout off)."""
    p = "model.decoder.layers.%d." % i
    pre = c["do_layer_norm_before"]
    affine = c["layer_norm_elementwise_affine"]
    bias = c["enable_bias"]
    residual = h
    if pre:
        h = layer_norm(w, p + "self_attn_layer_norm", h, affine)
    h = attention(w, p + "self_attn.", c, h)
    h = residual + h
    if not pre:
        h = layer_norm(w, p + "self_attn_layer_norm", h, affine)
    residual = h
    if pre:
        h = layer_norm(w, p + "final_layer_norm", h, affine)
    h = np.maximum(linear(w, p + "fc1", h, bias), 0.0)  # ACT2FN["relu"]
    h = linear(w, p + "fc2", h, bias)
    h = residual + h
    if not pre:
        h = layer_norm(w, p + "final_layer_norm", h, affine)
    return h


def forward(w, c, ids):
    """OPTForCausalLM.forward for one unpadded sequence: (logits (n, vocab), residual streams)."""
    ids = np.asarray(ids)
    n = len(ids)
    d, e = c["hidden_size"], c["word_embed_proj_dim"]
    # OPTDecoder: embed_tokens (width word_embed_proj_dim); attention_mask all ones, so
    # position_ids = cumsum(mask) * mask - 1 = 0..n-1, looked up at position_ids + 2.
    x = w["model.decoder.embed_tokens.weight"][ids]
    positions = np.arange(n) + POSITION_OFFSET
    pos = w["model.decoder.embed_positions.weight"][positions]
    if e != d:
        x = x @ w["model.decoder.project_in.weight"].T  # bias=False
    h = x + pos
    streams = []
    for i in range(c["num_hidden_layers"]):
        streams.append(h)
        h = decoder_layer(w, i, c, h)
    streams.append(h)  # last layer's output, before final_layer_norm / project_out
    # final_layer_norm exists only if do_layer_norm_before and not _remove_final_layer_norm.
    if c["do_layer_norm_before"] and not c["_remove_final_layer_norm"]:
        h = layer_norm(w, "model.decoder.final_layer_norm", h, c["layer_norm_elementwise_affine"])
    if e != d:
        h = h @ w["model.decoder.project_out.weight"].T  # bias=False
    # lm_head: Linear(word_embed_proj_dim, vocab, bias=False), tied to embed_tokens when
    # tie_word_embeddings (transformers then ignores/doesn't save lm_head.weight).
    head = w["model.decoder.embed_tokens.weight"]
    if not c["tie_word_embeddings"]:
        head = w["lm_head.weight"]
    return h @ head.T, streams


def next_token_nll(logits, ids):
    """-log softmax(logits[p])[ids[p + 1]] for p in 0..n-2."""
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return np.array([-logp[p, ids[p + 1]] for p in range(len(ids) - 1)])


# --------------------------------------------------------------------------------------------
# safetensors: u64 LE header length, JSON header {name: {dtype, shape, data_offsets}}, padded
# with spaces to a multiple of 8, then the raw little-endian tensor bytes.

NUMPY_DTYPE = {"F32": "<f4", "F16": "<f2"}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n])
    data = blob[8 + n :]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        a = np.frombuffer(data[begin:end], dtype=NUMPY_DTYPE[entry["dtype"]])
        out[name] = a.reshape(entry["shape"]).astype(np.float64)
    return out


def write_safetensors(path, tensors, dtype):
    header = {"__metadata__": {"format": "pt"}}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        raw = np.ascontiguousarray(tensors[name], dtype=NUMPY_DTYPE[dtype]).tobytes()
        header[name] = {
            "dtype": dtype,
            "shape": list(tensors[name].shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


# --------------------------------------------------------------------------------------------
# Random models. Scales keep activations O(1) and make every part matter: LayerNorm weights
# around 1 with spread, non-zero biases, attention sharp enough to differ from uniform.


def random_weights(c, rng):
    d, e, f, v = c["hidden_size"], c["word_embed_proj_dim"], c["ffn_dim"], c["vocab_size"]
    bias, affine = c["enable_bias"], c["layer_norm_elementwise_affine"]
    w = {}

    def lin(name, fan_in, fan_out, has_bias):
        w[name + ".weight"] = rng.standard_normal((fan_out, fan_in)) * (1.5 / np.sqrt(fan_in))
        if has_bias:
            w[name + ".bias"] = rng.standard_normal(fan_out) * 0.3

    def ln(name):
        if affine:
            w[name + ".weight"] = 1.0 + 0.4 * rng.standard_normal(d)
            w[name + ".bias"] = 0.3 * rng.standard_normal(d)

    p = "model.decoder."
    w[p + "embed_tokens.weight"] = rng.standard_normal((v, e))
    w[p + "embed_positions.weight"] = 0.5 * rng.standard_normal(
        (c["max_position_embeddings"] + POSITION_OFFSET, d)
    )
    if e != d:
        lin(p + "project_in", e, d, False)
        lin(p + "project_out", d, e, False)
    for i in range(c["num_hidden_layers"]):
        q = p + "layers.%d." % i
        for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
            lin(q + "self_attn." + proj, d, d, bias)
        ln(q + "self_attn_layer_norm")
        lin(q + "fc1", d, f, bias)
        lin(q + "fc2", f, d, bias)
        ln(q + "final_layer_norm")
    if c["do_layer_norm_before"] and not c["_remove_final_layer_norm"]:
        ln(p + "final_layer_norm")
    if not c["tie_word_embeddings"]:
        w["lm_head.weight"] = rng.standard_normal((v, e)) * 0.5
    return w


BASE = {
    "architectures": ["OPTForCausalLM"],
    "model_type": "opt",
    "activation_function": "relu",
    "hidden_size": 32,
    "num_attention_heads": 4,
    "ffn_dim": 64,
    "max_position_embeddings": 32,
    "bos_token_id": 2,
    "eos_token_id": 2,
    "pad_token_id": 1,
    "dropout": 0.0,
    "attention_dropout": 0.0,
}

VARIANTS = [
    # (a) opt-350m style: post-LN blocks, no final LayerNorm, 16-wide embeddings projected in/out.
    (
        "post-ln-project",
        {"do_layer_norm_before": False, "word_embed_proj_dim": 16, "num_hidden_layers": 3,
         "vocab_size": 96},
        "F32",
        11,
    ),
    # (b) pre-LN with `_remove_final_layer_norm` (pre-v4.20.1 fine-tunes).
    (
        "pre-ln-no-final-norm",
        {"_remove_final_layer_norm": True, "num_hidden_layers": 2, "vocab_size": 80},
        "F32",
        12,
    ),
    # (c) no biases anywhere, LayerNorms without weight/bias (final LayerNorm kept).
    (
        "no-bias-no-affine",
        {"enable_bias": False, "layer_norm_elementwise_affine": False, "num_hidden_layers": 2,
         "vocab_size": 72},
        "F32",
        13,
    ),
    # (d) separate LM head (`lm_head.weight`, tie_word_embeddings false), stored as F16.
    (
        "untied-head-f16",
        {"tie_word_embeddings": False, "num_hidden_layers": 3, "vocab_size": 128},
        "F16",
        14,
    ),
]

# Variant (b) also carries a stray final_layer_norm: transformers builds no such module when
# `_remove_final_layer_norm` is set and drops the tensors as unexpected keys, so a correct
# loader must ignore them too.
STRAY_FINAL_NORM = {"pre-ln-no-final-norm"}


def rounded(x):
    """Floats for JSON: 9 significant digits is below float32 resolution."""
    if isinstance(x, np.ndarray):
        return [rounded(v) for v in x]
    return float("%.9g" % x)


def make_variant(name, overrides, dtype, seed):
    cfg = dict(BASE)
    cfg.update(overrides)
    c = full_config(cfg)
    for key in ("do_layer_norm_before", "_remove_final_layer_norm", "enable_bias",
                "layer_norm_elementwise_affine", "tie_word_embeddings", "word_embed_proj_dim"):
        cfg[key] = c[key]
    rng = np.random.default_rng(seed)
    weights = random_weights(c, rng)
    stored = dict(weights)
    if name in STRAY_FINAL_NORM:
        stored["model.decoder.final_layer_norm.weight"] = 3.0 + rng.standard_normal(c["hidden_size"])
        stored["model.decoder.final_layer_norm.bias"] = rng.standard_normal(c["hidden_size"])
    # Round to the storage dtype, then compute the reference from exactly what is stored.
    stored = {k: v.astype(NUMPY_DTYPE[dtype]).astype(np.float64) for k, v in stored.items()}
    n = 14
    ids = [2] + [int(t) for t in rng.integers(3, c["vocab_size"], size=n - 1)]
    logits, streams = forward(stored, c, ids)

    directory = os.path.join(HERE, name)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(dict(sorted(cfg.items())), f, indent=2)
        f.write("\n")
    write_safetensors(os.path.join(directory, "model.safetensors"), stored, dtype)
    # Reading back what was written must give the same reference (checks the writer).
    again, _ = forward(read_safetensors(os.path.join(directory, "model.safetensors")), c, ids)
    assert np.array_equal(again, logits), name
    reference = {
        "source": "numpy OPTForCausalLM (make_fixtures.py), variant " + name,
        "input_ids": ids,
        "logits": rounded(logits),
        "hidden_states": rounded(np.array(streams)),
        "hidden_states_note": (
            "hidden_states[k][pos] is the residual stream entering decoder layer k; "
            "hidden_states[num_hidden_layers] is the last layer's output before "
            "final_layer_norm and project_out."
        ),
    }
    with open(os.path.join(directory, "reference.json"), "w") as f:
        json.dump(reference, f, separators=(",", ":"))
        f.write("\n")
    sizes = {fn: os.path.getsize(os.path.join(directory, fn)) for fn in sorted(os.listdir(directory))}
    spread = np.std(logits)
    print("%-22s %s logits std %.2f argmax %s" % (name, sizes, spread, [int(t) for t in logits.argmax(-1)]))


def verify_tiny_opt():
    """The numpy reference reproduces transformers' own numbers for Tests/Fixtures/tiny-opt."""
    directory = os.path.join(FIXTURES, "tiny-opt")
    with open(os.path.join(directory, "config.json")) as f:
        c = full_config(json.load(f))
    with open(os.path.join(directory, "reference.json")) as f:
        ref = json.load(f)
    w = read_safetensors(os.path.join(directory, "model.safetensors"))  # F16 -> float64
    ids = ref["input_ids"]
    logits, streams = forward(w, c, ids)
    nll = next_token_nll(logits, ids)
    nll_error = np.max(np.abs(nll - np.array(ref["next_token_nll"])))
    assert nll_error <= 1e-4, "next_token_nll differs from transformers by %g" % nll_error
    assert list(logits.argmax(-1)) == ref["argmax_next"]
    first5 = np.max(np.abs(logits[-1, :5] - np.array(ref["logits_first5_at_last_position"])))
    assert first5 <= 1e-4, first5
    worst = 0.0
    for ours, theirs in zip(streams, ref["hidden_states"]):
        theirs = np.array(theirs)
        worst = max(worst, np.linalg.norm(ours - theirs) / np.linalg.norm(theirs))
    assert len(streams) == len(ref["hidden_states"]) and worst <= 1e-4, worst
    print("tiny-opt: max |nll - transformers| = %.2e, max relative residual error = %.2e"
          % (nll_error, worst))


def main():
    verify_tiny_opt()
    for variant in VARIANTS:
        make_variant(*variant)


if __name__ == "__main__":
    sys.exit(main())
