#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/fuzz_engine.cpp into tests/fuzz/corpus/.

Usage: python3 tests/fuzz/make_corpus.py   (deterministic: the same files every run)

Each file is the 24-byte header that fuzz_engine.cpp reads, then the values. The seeds cover
every function with every operation it has, both types, every layout, aliasing, each kind of
deliberate error, and the value encodings (raw bits, small integers, special values); the
fuzzer mutates from there. Files named bug_* are reproducers of findings (kept by hand, not
written here).
"""
import os
import random
import struct

FUNCTIONS = ["relu", "leaky_relu", "prelu", "elu", "gelu", "gelu_tanh", "sigmoid", "tanh", "swish", "silu",
             "softmax", "log_softmax"]
OPS = ["forward", "derivative", "backward", "from_output", "parameter", "forward_return", "derivative_return"]
LAYOUTS = 10
ERRORS = {"none": 0, "out_shape": 10, "dy_shape": 11, "overlap_x": 12, "overlap_dy": 13, "null": 14,
          "param_size": 15}


def header(fn, op, double=False, enc=2, layout=0, out_layout=0, alias=0, offsets=0x31, n=37, rows_sel=3,
           error="none", error_sel=0, param_kind=0, channels_sel=0, stride_sel=0, misc=0, dy_offset=2,
           masked=False, rowwise=False, param_raw=0):
    cfg = int(double) | (OPS.index(op) << 1) | (int(masked) << 4) | (int(rowwise) << 5) | (enc << 6)
    return bytes([FUNCTIONS.index(fn), cfg, layout, out_layout, alias, offsets, n & 255, n >> 8, rows_sel,
                  ERRORS[error], error_sel, param_kind, channels_sel, stride_sel, misc, dy_offset]) + \
        struct.pack("<Q", param_raw)


def values(rng, enc, count, double):
    if enc == 0:  # raw bit patterns, with specials mixed in
        specials = [float("nan"), float("inf"), -float("inf"), 0.0, -0.0, 5e-324 if double else 1e-45, 1.0, -1.0]
        fmt = "<d" if double else "<f"
        out = b""
        for i in range(count):
            v = rng.choice(specials) if i % 5 == 0 else rng.uniform(-30, 30) * 2.0 ** rng.randint(-20, 20)
            out += struct.pack(fmt, v)
        return out
    if enc == 1:
        return b"".join(struct.pack("<h", rng.randint(-32768, 32767)) for _ in range(count))
    return bytes(rng.randint(0, 255) for _ in range(count))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = os.path.join(here, "corpus")
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(20240601)
    seeds = []

    def add(name, enc=2, count=40, **kw):
        h = header(enc=enc, **kw)
        seeds.append((name, h + values(rng, enc, count, kw.get("double", False))))

    # every function with every operation it has, the layouts and types taking turns
    own_ops = {"relu": ["forward", "derivative", "backward", "from_output"],
               "leaky_relu": ["forward", "derivative", "backward", "from_output"],
               "prelu": ["forward", "derivative", "backward", "from_output", "parameter"],
               "elu": ["forward", "derivative", "backward", "from_output", "parameter"],
               "gelu": ["forward", "derivative", "backward"],
               "gelu_tanh": ["forward", "derivative", "backward"],
               "sigmoid": ["forward", "derivative", "backward", "from_output"],
               "tanh": ["forward", "derivative", "backward", "from_output"],
               "swish": ["forward", "derivative", "backward", "parameter"],
               "silu": ["forward", "derivative", "backward"],
               "softmax": ["forward", "backward", "from_output"],
               "log_softmax": ["forward", "backward", "from_output"]}
    turn = 0
    for fn, ops in own_ops.items():
        for op in ops:
            turn += 1
            layout = turn % LAYOUTS
            enc = [2, 3, 0, 1][turn % 4]
            add(f"{fn}_{op}", enc=enc, count=48, fn=fn, op=op, double=bool(turn % 2), layout=layout,
                out_layout=turn // 3, n=5 + (turn * 37) % 120, rows_sel=turn % 7, param_kind=turn % 64,
                channels_sel=turn % 2, stride_sel=turn * 11 % 256, misc=turn % 4)
    # returning forms, expressions, aliasing, long vectors, options
    add("gelu_forward_return", fn="gelu", op="forward_return", layout=5, n=64)
    add("tanh_derivative_return_double", fn="tanh", op="derivative_return", layout=7, double=True, n=33)
    add("sigmoid_backward_expression", fn="sigmoid", op="backward", layout=8, misc=1, n=70, rows_sel=6)
    add("elu_forward_in_place", fn="elu", op="forward", layout=9, alias=1, n=50, rows_sel=4, param_kind=2,
        param_raw=0x3ff8000000000000)
    add("swish_backward_dx_is_dy", fn="swish", op="backward", layout=3, alias=2, n=61, param_kind=2,
        param_raw=0x123456789abcdef)
    add("silu_backward_all_same", fn="silu", op="backward", layout=0, alias=4, n=17, double=True)
    add("gelu_tanh_backward_dy_is_x", fn="gelu_tanh", op="backward", layout=6, alias=3, n=90, rows_sel=8)
    add("relu_forward_long", fn="relu", op="forward", layout=0, n=600, enc=0, count=64)
    add("leaky_relu_backward_raw_alpha", fn="leaky_relu", op="backward", layout=4, n=40, param_kind=3,
        param_raw=0xbfe0000000000000)
    add("prelu_per_channel_pointer", fn="prelu", op="parameter", layout=0, n=96, channels_sel=7, double=True)
    add("prelu_per_row_eigen", fn="prelu", op="parameter", layout=6, n=60, rows_sel=4, channels_sel=1)
    add("softmax_rowwise", fn="softmax", op="forward", layout=7, n=120, rows_sel=9, rowwise=True)
    add("softmax_masked_minus_inf", fn="softmax", op="backward", layout=2, n=20, masked=True, enc=3, count=4)
    add("log_softmax_masked_rowwise", fn="log_softmax", op="forward", layout=1, n=48, rows_sel=5,
        rowwise=True, masked=True, enc=3)
    add("log_softmax_from_output_double", fn="log_softmax", op="from_output", layout=5, n=30, double=True,
        rows_sel=2)
    add("softmax_long_vector", fn="softmax", op="forward", layout=3, n=600, enc=1, double=True, count=200)
    add("softmax_empty", fn="softmax", op="forward", layout=5, n=0)
    add("elu_d_alpha_float_into_double", fn="elu", op="parameter", layout=1, n=77, misc=2)
    # each kind of error
    add("error_forward_shape", fn="gelu", op="forward", layout=5, error="out_shape", n=24, rows_sel=3)
    add("error_backward_dy_shape", fn="tanh", op="backward", layout=7, error="dy_shape", n=30, rows_sel=4)
    add("error_overlap_x", fn="sigmoid", op="forward", layout=0, error="overlap_x", error_sel=2, n=40)
    add("error_overlap_dy", fn="softmax", op="backward", layout=8, error="overlap_dy", error_sel=1, n=40)
    add("error_null_pointer", fn="relu", op="backward", layout=0, error="null", error_sel=2, n=10)
    add("error_prelu_alpha_length", fn="prelu", op="forward", layout=5, error="param_size", n=30,
        rows_sel=4, channels_sel=1)
    add("error_prelu_n_not_multiple", fn="prelu", op="derivative", layout=0, error="param_size", n=30,
        channels_sel=5)
    add("error_prelu_d_alpha_size", fn="prelu", op="parameter", layout=6, error="param_size", n=30,
        rows_sel=4, channels_sel=1, error_sel=2)
    add("error_from_output_alpha_zero", fn="leaky_relu", op="from_output", layout=2, n=12, param_kind=0)
    add("error_softmax_rows_cols_null", fn="log_softmax", op="forward", layout=1, error="null", n=12)

    for name, data in seeds:
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
    print(f"{len(seeds)} seeds in {out_dir}")


if __name__ == "__main__":
    main()
