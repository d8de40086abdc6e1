"""Peak memory of the local engine of ``nli score`` as the collection grows.

For each size N, writes a Parquet collection of N short synthetic articles (2 to 4
sentences, one official statement and one third-party report each), scores it with
:func:`nli.runs.run_score` (default options, so ranked pairing; the model in fp32) in a
fresh Python process, and reports that process's peak resident set size
(``getrusage(RUSAGE_SELF).ru_maxrss``, which is what the parent would read from
``RUSAGE_CHILDREN`` for that child alone) together with its RSS once
the model is loaded and at the quarters of the run. A streaming engine keeps the peak
flat: the goal is peak(largest) <= 1.2 x peak(smallest).

Real news brings new words in every article (names, places), and spaCy's vocabulary keeps
the strings of every word it has seen; the templates reuse a few. ``--new-words N`` adds a
sentence of N invented words to each article ("Qwertyuio, Asdfghjkl said they had seen
nothing.", one more statement), to measure a long run on vocabulary like that of real text.

With two or more CPUs, ``nli score`` finds claims in a worker process (``nli.prefetch``):
its resident size is sampled beside the main process's, and the goal applies to the sum.

The model is the tiny random BERT of :func:`nli.tiny.build_tiny_model` (hidden size 32,
2 layers): scoring is fast, so 100k articles fit in minutes on two cores, and what is
measured is the pipeline's memory, not the model's. A real model adds its weights and
one batch of activations, both constant in N.

Usage:
    python scripts/bench_memory.py [--sizes 1000 10000 100000] [--suffix .jsonl]
        [--new-words 0] [--workdir DIR] [--threads 1] [--json]

``--suffix .parquet`` or ``.csv`` measures those writers instead of JSONL.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

#: Templates of 2 to 4 sentences, each written with one official statement and one
#: third-party report. :func:`check_templates` runs before every measurement (there is no
#: option for it) and checks them with topic pairing (:func:`nli.pairing.pair_claims`);
#: the measured run scores with ``nli score``'s default ranked pairing, so the pairs it
#: scores per article may differ from that check (each result's ``pairs`` counts them).
TEMPLATES = (
    '"We have no troops in {place}," {name} said. According to a report by the {org}, '
    "hundreds of {people} troops were stationed in {place}.",
    "The company denied that it planned to close the {place} plant. Union sources said the "
    "{place} plant would close in {month}. Shares were flat.",
    '"There is no cholera outbreak in {place}," Health Minister {name} said. Doctors in {place} '
    "told Reuters that dozens of cholera cases had been confirmed. The ministry will publish "
    "figures on {day}. Schools remain open.",
    "The police denied that officers had fired on protesters in {place}. According to "
    "witnesses, officers fired rubber bullets at protesters in {place} on {day}.",
    '"Our factory in {place} does not pollute the river," company spokesman {name} said. A '
    "report by the {org} found high levels of mercury in the river near the factory in {place}.",
    "The ministry rejected reports that the {place} dam was damaged. According to engineers, "
    "cracks had appeared in the {place} dam. Residents were told to stay calm.",
)
PLACES = ("Karsk", "Dolna", "Lessa", "Ostrava", "Dunmore", "Varn", "Telis", "Brenna", "Aln")
NAMES = ("Anton Brask", "Ruth Okafor", "Greta Vos", "Ilan Mercer", "Sofia Rauch", "Tomas Hale")
ORGS = ("Northwatch Institute", "Civic Monitor", "Open Ledger Project", "Aln Anglers' Society")
PEOPLE = ("Velorian", "Karskian", "Ostravan")
MONTHS = ("March", "June", "September", "December")
DAYS = ("Monday", "Tuesday", "Friday", "Sunday")


def invented_word(rng: random.Random) -> str:
    """A capitalised word of nine random letters: new to spaCy's vocabulary, like a name."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(9)).capitalize()


def synthetic_articles(n: int, seed: int = 0, new_words: int = 0) -> list[dict[str, str]]:
    """``n`` rows ``{"id", "text"}`` of short articles with one statement/report pair each,
    and a last sentence of ``new_words`` invented words when that is above 0."""
    rng = random.Random(seed)
    words = random.Random(seed + 1)  # its own stream: the templates' choices do not change
    rows = []
    for i in range(n):
        text = rng.choice(TEMPLATES).format(
            place=rng.choice(PLACES),
            name=rng.choice(NAMES),
            org=rng.choice(ORGS),
            people=rng.choice(PEOPLE),
            month=rng.choice(MONTHS),
            day=rng.choice(DAYS),
        )
        if new_words:
            # a cue word ("said"), so that the parser reads the sentence and its words
            names = ", ".join(invented_word(words) for _ in range(new_words))
            text += f" {names} said they had seen nothing."
        rows.append({"id": f"art-{i:06d}", "text": text})
    return rows


def write_collection(path: Path, n: int, new_words: int = 0) -> Path:
    """Write ``n`` synthetic articles to a Parquet file (skipped when it exists)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not path.exists():
        pq.write_table(pa.Table.from_pylist(synthetic_articles(n, new_words=new_words)), path)
    return path


def _rss_mb(process: str = "self") -> float:
    """Current resident set size of a process (this one by default), from /proc (Linux);
    NaN when it cannot be read (the process has just ended)."""
    try:
        lines = Path(f"/proc/{process}/status").read_text().splitlines()
    except OSError:
        return float("nan")
    for line in lines:
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _children_rss_mb() -> float:
    """Summed resident size of this process's children (the claim-finding worker), or 0."""
    sizes = (
        _rss_mb(pid)
        for children in Path("/proc/self/task").glob("*/children")
        for pid in children.read_text().split()
    )
    return sum((size for size in sizes if size == size), 0.0)  # NaN: ended since listed


def _peak_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def score_in_this_process(
    input_path: Path, output_path: Path, model: str, threads: int
) -> dict[str, Any]:
    """Score one collection with the local engine; return timings and RSS figures (MB)."""
    from nli.config import ArticleConfig, ScoringConfig
    from nli.model import set_threads_once
    from nli.pair_jobs import load_scorer
    from nli.runs import run_score

    set_threads_once(threads)
    config = ArticleConfig(scoring=ScoringConfig(model=model, precision="fp32"))
    scorer = load_scorer(config.scoring)
    loaded = _rss_mb()
    samples: list[tuple[float, float]] = []
    worker: list[float] = []  # the children's summed RSS, sampled with the main process's
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.25):
            samples.append((time.perf_counter(), _rss_mb()))
            worker.append(_children_rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    sampler.start()
    result = run_score(input_path, output_path, config, scorer=scorer)
    done.set()
    sampler.join()
    seconds = time.perf_counter() - start
    # RSS at each quarter of the run's wall time: flat for a streaming run.
    quarters, worker_quarters = [], []
    for q in (0.25, 0.5, 0.75, 1.0):
        before = [i for i, (t, _) in enumerate(samples) if t - start <= q * seconds]
        quarters.append(round(samples[before[-1]][1], 1) if before else None)
        worker_quarters.append(round(worker[before[-1]], 1) if before else None)
    top_time, top_rss = max(samples, key=lambda sample: sample[1], default=(start, float("nan")))
    return {
        "articles": result.counts.read,
        "pairs": result.counts.pairs,
        "findings": result.counts.findings_written,
        "seconds": round(seconds, 2),
        "articles_per_s": round(result.counts.read / seconds, 1),
        "rss_after_model_load_mb": round(loaded, 1),
        "rss_by_quarter_mb": quarters,
        # The highest sample and when it was taken (0 = start, 1 = end of the run).
        "rss_max_sampled_mb": round(top_rss, 1),
        "rss_max_at": round((top_time - start) / seconds, 2),
        "peak_rss_mb": round(_peak_mb(), 1),
        "worker_rss_by_quarter_mb": worker_quarters,
        "worker_rss_max_sampled_mb": round(max(worker, default=0.0), 1),
        # main and worker together, sample by sample
        "total_max_sampled_mb": round(
            max((rss + w for (_, rss), w in zip(samples, worker, strict=True)), default=0.0), 1
        ),
    }


def measure(input_path: Path, output_path: Path, model: str, threads: int) -> dict[str, Any]:
    """Run :func:`score_in_this_process` in a fresh interpreter, so peaks do not mix."""
    command = [
        sys.executable,
        __file__,
        "--child",
        str(input_path),
        str(output_path),
        model,
        str(threads),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_templates() -> None:
    """Fail unless every template yields at least one statement/report pair (topic pairing
    over the default claim finder), so that every article gives the run work to do."""
    from nli.claims import extract_claims
    from nli.pairing import pair_claims
    from nli.types import Article

    for i, row in enumerate(synthetic_articles(len(TEMPLATES) * 20)):
        pairs = pair_claims(extract_claims(Article(row["id"], row["text"])), min_overlap=1)
        if not pairs:
            raise SystemExit(f"template gives no pair: {row['text']!r} ({i})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--suffix", default=".jsonl", choices=[".jsonl", ".csv", ".parquet"])
    parser.add_argument("--workdir", type=Path, default=None, help="Keep inputs/outputs here.")
    parser.add_argument("--json", action="store_true", help="One JSON object per size.")
    parser.add_argument(
        "--new-words",
        type=int,
        default=0,
        help="invented words added to each article, as real news brings new names (default 0)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads (1: on a machine shared with other jobs, more threads than free "
        "cores makes torch's thread pool spin and run many times slower).",
    )
    parser.add_argument("--child", nargs=4, metavar=("INPUT", "OUTPUT", "MODEL", "THREADS"))
    args = parser.parse_args(argv)
    if args.child:
        input_path, output_path, model, threads = args.child
        row = score_in_this_process(Path(input_path), Path(output_path), model, int(threads))
        print(json.dumps(row))
        return

    from nli.tiny import build_tiny_model

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-memory-"))
    workdir.mkdir(parents=True, exist_ok=True)
    model = str(build_tiny_model(workdir / "tiny-model"))
    check_templates()
    rows = []
    for n in args.sizes:
        name = f"articles-{n}" + (f"-new{args.new_words}" if args.new_words else "")
        collection = write_collection(workdir / f"{name}.parquet", n, args.new_words)
        output = workdir / f"findings-{n}{args.suffix}"
        row = {"n": n, **measure(collection, output, model, args.threads)}
        rows.append(row)
        base = rows[0]["peak_rss_mb"]
        row["peak_vs_first"] = round(row["peak_rss_mb"] / base, 3)
        first_total = rows[0]["total_max_sampled_mb"]
        # a first run that ended before its first memory sample has no total to compare with
        row["total_vs_first"] = (
            round(row["total_max_sampled_mb"] / first_total, 3) if first_total else None
        )
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(
                f"n={n:>7}  {row['seconds']:>7.1f}s  {row['articles_per_s']:>6.1f} art/s  "
                f"model-loaded {row['rss_after_model_load_mb']:>6.1f} MB  "
                f"quarters {row['rss_by_quarter_mb']} MB  "
                f"max sample {row['rss_max_sampled_mb']} MB at {row['rss_max_at']:.0%}  "
                f"peak {row['peak_rss_mb']:>6.1f} MB  ({row['peak_vs_first']:.2f}x first)  "
                f"worker quarters {row['worker_rss_by_quarter_mb']} MB  "
                f"main+worker max sample {row['total_max_sampled_mb']:>6.1f} MB "
                f"({row['total_vs_first']:.2f}x first)",
                flush=True,
            )


if __name__ == "__main__":
    main()
