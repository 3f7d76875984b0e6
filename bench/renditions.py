"""Photo renditions: one 24-megapixel JPEG through the full rendition set.

Prints, per photo: wall time, peak memory (the peak resident size of a fresh process that
did only this), files and bytes produced; and the same figures for a plain Pillow
open + save of the same image, measured in the same run, as the baseline. Goal (issue 4):
under 3 s and under 500 MB per 24-MP photo.

Needs nothing but Pillow: the pipeline (photos/renditions.py) is plain functions over
bytes, so no database, broker or storage is involved; files go to a temp dir.
"""

from __future__ import annotations

import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import table  # noqa: E402 - after the path fix, for `python bench/...`

WIDTH, HEIGHT = 6000, 4000  # 24 megapixels, a full-frame camera's JPEG
RUNS = int(os.environ.get("BENCH_RENDITION_RUNS", "3"))
GOAL_SECONDS, GOAL_MB = 3.0, 500


def make_photo(path: Path) -> None:
    """A photo-like 24 MP JPEG: gradients, shapes and sensor noise (noise is what makes
    real photos expensive to encode), with EXIF and GPS as a camera writes them."""
    from PIL import ExifTags, Image, ImageDraw

    image = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize((WIDTH, HEIGHT)),
            Image.radial_gradient("L").resize((WIDTH, HEIGHT)),
            Image.linear_gradient("L").rotate(90).resize((WIDTH, HEIGHT)),
        ],
    )
    draw = ImageDraw.Draw(image)
    for i in range(300):
        x, y = (i * 997) % WIDTH, (i * 613) % HEIGHT
        draw.ellipse(
            (x, y, x + 40 + i % 400, y + 30 + i % 300),
            fill=(i * 40 % 256, i * 90 % 256, i * 20 % 256),
        )
    noise = Image.effect_noise((WIDTH, HEIGHT), 24).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Bench"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 26.0)
    image.save(path, "JPEG", quality=90, exif=exif)


def measure_pipeline(path: Path, out: Path) -> dict:
    """In a fresh process: upload stripping, then every rendition, written to `out`."""
    from photos import renditions

    data = path.read_bytes()
    times, files, size = [], 0, 0
    for run in range(RUNS):
        started = time.perf_counter()
        stripped = renditions.ingest(data).data
        specs = renditions.plan(stripped, focal=(0.5, 0.5))
        outputs = renditions.render(stripped, specs, focal=(0.5, 0.5))
        for output in outputs:
            (out / f"{run}-{output.spec.filename}").write_bytes(output.data)
        times.append(time.perf_counter() - started)
        files, size = len(outputs), sum(len(output.data) for output in outputs)
    return {"seconds": statistics.median(times), "files": files, "bytes": size}


def measure_baseline(path: Path, out: Path) -> dict:
    """In a fresh process: what merely opening the photo and saving it once costs."""
    from PIL import Image

    times = []
    for run in range(RUNS):
        started = time.perf_counter()
        with Image.open(path) as image:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=82)
        (out / f"{run}-plain.jpg").write_bytes(buffer.getvalue())
        times.append(time.perf_counter() - started)
    return {"seconds": statistics.median(times), "files": 1, "bytes": len(buffer.getvalue())}


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss
    over from the parent across exec, which would report the photo generator's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(kind: str, path: str) -> None:
    with tempfile.TemporaryDirectory() as out:
        measure = measure_pipeline if kind == "pipeline" else measure_baseline
        result = measure(Path(path), Path(out))
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def run_child(kind: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    from PIL import features

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "photo-24mp.jpg"
        make_photo(path)
        source_mb = path.stat().st_size / 1e6
        pipeline = run_child("pipeline", path)
        baseline = run_child("baseline", path)
    rows = []
    for name, result in [("full rendition set", pipeline), ("plain open + save", baseline)]:
        rows.append(
            (
                name,
                f"{result['seconds']:.2f} s",
                f"{result['peak_mb']:.0f} MB",
                result["files"],
                f"{result['bytes'] / 1e6:.2f} MB",
                f"{result['seconds'] / baseline['seconds']:.2f}x",
            )
        )
    formats = "AVIF, WebP, JPEG" if features.check("avif") else "WebP, JPEG"
    print(
        f"\nRenditions: one {WIDTH}×{HEIGHT} JPEG ({source_mb:.1f} MB) → 5 widths in "
        f"{formats} + 3 crops; median of {RUNS} runs, peak memory of a fresh process"
    )
    print(table(rows, ("target", "time/photo", "peak memory", "files", "bytes", "vs baseline")))
    ok = pipeline["seconds"] < GOAL_SECONDS and pipeline["peak_mb"] < GOAL_MB
    print(f"goal < {GOAL_SECONDS:.0f} s and < {GOAL_MB} MB per photo: {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
