#!/usr/bin/env python3
"""Decode speed of Hugging Face transformers on the shapes `slicer bench decode` measures.

For the side-by-side comparison only (torch and transformers are not project dependencies):
    pip install torch transformers gguf
    python3 scripts/bench-transformers.py --model opt-125m
    python3 scripts/bench-transformers.py --model Weights/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf

opt-125m is facebook/opt-125m's shape with random fp32 weights (as `slicer bench decode`
without --model); a .gguf is loaded by transformers, which widens it to fp32. Greedy decoding
with the KV cache, a random prompt, the median of several runs, like `slicer bench decode`.
"""
import argparse
import os
import resource
import time

import torch
from transformers import AutoModelForCausalLM, OPTConfig, OPTForCausalLM


def load(name):
    if name == "opt-125m":
        torch.manual_seed(0)
        return OPTForCausalLM(OPTConfig()).eval()  # OPTConfig() is opt-125m's shape
    directory, file = os.path.split(os.path.abspath(name))
    return AutoModelForCausalLM.from_pretrained(directory, gguf_file=file, dtype=torch.float32).eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="opt-125m")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--prompt-tokens", type=int, default=32)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = load(args.model)
    generator = torch.Generator().manual_seed(7)
    prompt = torch.randint(0, model.config.vocab_size, (1, args.prompt_tokens), generator=generator)
    prefill, decode = [], []
    with torch.inference_mode():
        for _ in range(args.runs):
            t0 = time.perf_counter()
            out = model(prompt, use_cache=True)
            t1 = time.perf_counter()
            past, token = out.past_key_values, out.logits[:, -1].argmax(-1, keepdim=True)
            for _ in range(args.tokens):
                out = model(token, past_key_values=past, use_cache=True)
                past, token = out.past_key_values, out.logits[:, -1].argmax(-1, keepdim=True)
            t2 = time.perf_counter()
            prefill.append(args.prompt_tokens / (t1 - t0))
            decode.append(args.tokens / (t2 - t1))
    median = lambda v: sorted(v)[len(v) // 2]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"transformers {args.model}, torch {torch.__version__}, {args.threads} threads, fp32")
    print(f"prefill  {median(prefill):8.1f} tok/s  ({args.prompt_tokens}-token prompt)")
    print(f"decode   {median(decode):8.1f} tok/s  ({args.tokens} tokens; runs "
          + " ".join(f"{r:.1f}" for r in decode) + ")")
    print(f"peak RSS {rss:8.1f} MiB")


if __name__ == "__main__":
    main()
