#!/usr/bin/env python3
"""How many bits per token simple quantizers need on SmolLM2's hidden states, and at what KL.

A measurement aid for the codec's bits target (not a project dependency):
    pip install torch transformers gguf
    python3 scripts/quantization-limits.py --split 15

It runs the model with transformers (the GGUF widened to fp32), takes the hidden states after
`--split` layers on WikiText-2 windows of 512 tokens, quantizes them with a uniform step in
several ways, puts the quantized states back in place of the real ones and measures the mean
next-token KL divergence from the unmodified model over the windows' positions 1… (as `slicer
eval` does). Bits are estimated, not coded: the empirical entropy of the quantized symbols, per
token (a Laplace model with one scale per token: what an adaptive coder could reach with no
shared tables) or per channel over all evaluated tokens (what a static table shared by both ends
could reach, fitted on the very data: optimistic).

Step modes:
  global    one step for every token: `step · median token RMS`        (an absolute-error budget)
  relative  a step proportional to each token's own RMS                  (a relative budget)
Transforms (statistics from other windows than the evaluated ones):
  raw       the hidden state itself
  pca       rotated onto the principal axes of the hidden states
  fisher    whitened by the tail's Fisher information (sampled gradients of log p(y), y ~ p),
            then rotated onto principal axes, so a uniform step weighs errors by their KL cost
"""
import argparse
import os

import numpy as np
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

GGUF = "Weights/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"
TEXT = "Tests/Fixtures/wikitext-2-raw/wiki.test.raw"


class SplitHook:
    """Captures (or replaces) the output of the layer before the split."""

    def __init__(self, layer):
        self.replacement = None
        self.captured = None
        self.track_gradient = False
        layer.register_forward_hook(self)

    def __call__(self, module, inputs, output):
        hidden = output[0] if isinstance(output, tuple) else output
        if self.replacement is not None:
            hidden = self.replacement
        elif self.track_gradient:
            hidden = hidden.detach().requires_grad_(True)
        self.captured = hidden
        return (hidden,) + tuple(output[1:]) if isinstance(output, tuple) else hidden


def entropy_per_channel(q):
    bits = 0.0
    for c in range(q.shape[1]):
        _, counts = np.unique(q[:, c], return_counts=True)
        bits -= (counts * np.log2(counts / counts.sum())).sum()
    return bits / q.shape[0]


def laplace_per_token(q):
    bits = 0.0
    for row in np.abs(q):
        mean = row.mean()
        theta = mean / (1 + mean)
        bits += -(np.log2(1 - theta) + row * np.log2(max(theta, 1e-12))).sum() + (row > 0).sum()
    return bits / q.shape[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", type=int, default=15)
    parser.add_argument("--eval-windows", type=int, default=4)
    parser.add_argument("--stat-windows", type=int, default=8)
    parser.add_argument("--steps", default="0.1,0.2,0.3,0.45")
    parser.add_argument("--transforms", default="", help="comma-separated subset to run")
    args = parser.parse_args()
    torch.set_num_threads(2)
    directory, file = os.path.split(os.path.abspath(GGUF))
    tokenizer = AutoTokenizer.from_pretrained(directory, gguf_file=file)
    model = AutoModelForCausalLM.from_pretrained(directory, gguf_file=file, dtype=torch.float32)
    model.eval()
    ids = tokenizer(open(TEXT).read()[:400_000], add_special_tokens=False)["input_ids"]
    windows = [ids[i * 512:(i + 1) * 512] for i in range(args.eval_windows + args.stat_windows)]
    hook = SplitHook(model.model.layers[args.split - 1])

    states, gradients, references = [], [], []
    generator = torch.Generator().manual_seed(0)
    for index, window in enumerate(windows):
        hook.track_gradient = index >= args.eval_windows
        logits = model(torch.tensor([window])).logits[0]
        log_p = torch.log_softmax(logits, -1)
        states.append(hook.captured[0].detach().double().numpy())
        if index < args.eval_windows:
            references.append(log_p.detach())
            continue
        for sample in range(2):
            y = torch.multinomial(log_p.exp().detach(), 1, generator=generator)[:, 0]
            chosen = log_p[torch.arange(len(window)), y].sum()
            (g,) = torch.autograd.grad(chosen, hook.captured, retain_graph=sample == 0)
            gradients.append(g[0].double().numpy())
    hook.track_gradient = False

    def mean_kl(reconstructed):
        kls = []
        with torch.no_grad():
            for window, reference, hidden in zip(windows, references, reconstructed):
                hook.replacement = torch.tensor(hidden[None], dtype=torch.float32)
                log_q = torch.log_softmax(model(torch.tensor([window])).logits[0], -1)
                kls.append((reference.exp() * (reference - log_q)).sum(-1)[1:].mean().item())
        hook.replacement = None
        return float(np.mean(kls))

    evaluated = np.concatenate(states[:args.eval_windows])
    statistics = np.concatenate(states[args.eval_windows:])
    fisher = np.concatenate(gradients).T @ np.concatenate(gradients) / (len(gradients) / 2 * 512)
    center = np.median(statistics, 0)
    _, axes = np.linalg.eigh(np.cov((statistics - center).T))
    weights, basis = np.linalg.eigh(fisher)
    weights = np.maximum(weights, weights.max() * 1e-9)
    whiten = basis * np.sqrt(weights)
    _, white_axes = np.linalg.eigh(np.cov(((statistics - center) @ whiten).T))
    # Diagonal weightings a codec could apply per channel before coding (and undo after):
    # the square root of the Fisher information's diagonal, and the gain of the norm the next
    # layer applies to its input (known to both ends from the weights, no statistics needed).
    diagonal = np.sqrt(np.maximum(np.diag(fisher), np.diag(fisher).max() * 1e-9))
    gamma = model.model.layers[args.split].input_layernorm.weight.detach().double().numpy()
    transforms = {
        "raw": (np.eye(len(center)), np.zeros_like(center)),
        "diagfish": (np.diag(diagonal / np.median(diagonal)), np.zeros_like(center)),
        "gamma": (np.diag(np.abs(gamma) / np.median(np.abs(gamma))), np.zeros_like(center)),
        "pca": (axes, center),
        "fisher": (whiten @ white_axes, center),
    }
    if args.transforms:
        transforms = {k: v for k, v in transforms.items() if k in args.transforms.split(",")}
    token_rms = np.sqrt((evaluated**2).mean(1, keepdims=True))
    print(f"split {args.split}: {len(evaluated)} tokens evaluated; token RMS median "
          f"{np.median(token_rms):.2f}, first tokens {token_rms[::512, 0].round(0)}")
    print("transform step-mode  step  bits(laplace/token)  bits(static/channel)  mean KL")
    for name, (forward, shift) in transforms.items():
        inverse = np.linalg.inv(forward)
        z = (evaluated - shift) @ forward
        z_rms = np.sqrt((z**2).mean(1, keepdims=True))
        for mode in ["global", "relative"]:
            if name not in ("raw", "gamma") and mode == "relative":
                continue
            for step in map(float, args.steps.split(",")):
                delta = step * (z_rms if mode == "relative" else np.median(z_rms))
                q = np.round(z / delta)
                reconstructed = (q * delta) @ inverse + shift
                kl = mean_kl(np.split(reconstructed, args.eval_windows))
                print(f"{name:9s} {mode:9s} {step:5.2f}  {laplace_per_token(q):19.0f}  "
                      f"{entropy_per_channel(q.astype(np.int64)):20.0f}  {kl:7.4f}", flush=True)


if __name__ == "__main__":
    main()
