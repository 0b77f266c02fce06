#!/usr/bin/env python3
"""Measure what photos cost a build and save a reader, in rounds.

    python3 bench/images.py                       # all cases: about 15 minutes on two cores
    python3 bench/images.py --cases photos200,weight,avif --rounds 3
    python3 bench/images.py --cases tenth10k --rounds 1

Cases:
- photos200: 200 articles, each with its own 12-megapixel camera photo (4000×3000, 3–5 MB, sideways with
  an EXIF orientation and a GPS block, made by scripts/sample_photo.py and shifted per article so no two
  are alike). Alternating in each round: a first build without photos, a first build with them (empty
  .bantin/: every variant encoded), then a rebuild with nothing changed of each. Reports the added time
  and the bytes in (originals) against the bytes out (variants).
- tenth10k: the 10,000-article corpus of bench/corpus.py, with a photo on every tenth article (1,000
  phone photos of 2000×1500, so that the case ends in minutes): a clean first build, a clean build
  with the variants already kept in .bantin/cache/images/ (public/ and the rest of the cache removed),
  and a rebuild with nothing changed; against the same corpus without photos.
- weight: the sample bulletin's article with the camera photo, opened in Chromium at 390 px (DPR 2)
  and at 1280 px: every byte transferred, the largest image, and which variant the browser chose.
- avif: one 12-megapixel photo at 800 px: bytes and encoding time of WebP, AVIF and JPEG at the
  default qualities (is AVIF worth its cost?).

Results go to bench/results/images-<date>.json; bench/README.md reports them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageChops

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(REPO / "scripts"), str(REPO / "tests"), str(BENCH)]

import corpus  # noqa: E402
from record import save_results  # noqa: E402
from sample_photo import GPS, SERIAL, upright_scene  # noqa: E402

WORK = BENCH / "work" / "images"


def phone_photos(count: int, size: tuple[int, int], into: Path) -> list[Path]:
    """Write `count` distinct camera JPEGs (quality 92, orientation 6, GPS), each the sample scene shifted."""
    base = upright_scene().resize((size[1], size[0])) if size != (4000, 3000) else upright_scene()
    into.mkdir(parents=True, exist_ok=True)
    files = []
    for number in range(count):
        file = into / f"anh-{number:04d}.jpg"
        if not file.exists():
            shifted = ImageChops.offset(base, number * 37, number * 13).transpose(Image.Transpose.ROTATE_90)
            exif = Image.Exif()
            exif[0x0112], exif[0x010F] = 6, "BantinCam"
            exif.get_ifd(0x8769)[0xA431] = SERIAL
            exif.get_ifd(0x8825).update(GPS)
            shifted.save(file, "JPEG", quality=92, exif=exif.tobytes())
        files.append(file)
    return files


def bulletin(n: int, out: Path) -> Path:
    """Generate the bantin side of the benchmark corpus with `n` articles; return its root."""
    if not (out / "bantin" / "site.toml").exists():
        corpus.generate(n, out)
    return out / "bantin"


def with_photos(site: Path, photos: list[Path], every: int, into: Path) -> Path:
    """Copy a bulletin and give every `every`-th article a photo of its own, beside it."""
    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(site, into, ignore=shutil.ignore_patterns("public", ".bantin"))
    articles = sorted((into / "content").glob("*/*.md"))
    articles = [a for a in articles if a.parent.name != "pages"]
    for number, article in enumerate(articles[::every][:len(photos)]):
        photo = article.with_name(f"{article.stem}.jpg")
        shutil.copy2(photos[number], photo)
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("\n---\n", f"\nimage: {photo.name}\nimage_alt: Ảnh hội nghị\n---\n", 1), encoding="utf-8")
    return into


def timed_build(root: Path, *, clean: bool = True, keep_images: bool = False) -> float:
    """Build a site and return the wall time; `clean` removes public/ and .bantin/ first (but kept variants if asked)."""
    if clean:
        shutil.rmtree(root / "public", ignore_errors=True)
        cache = root / ".bantin"
        if keep_images and (cache / "cache" / "images").is_dir():
            for child in (cache / "cache").iterdir():
                if child.name != "images":
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            for child in cache.iterdir():
                if child.name != "cache":
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
        else:
            shutil.rmtree(cache, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root)], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"build of {root} failed:\n{done.stderr}")
    return seconds


def bytes_of(root: Path, pattern: str) -> int:
    """Sum the sizes of the files under `root` matching `pattern`."""
    return sum(f.stat().st_size for f in root.rglob(pattern) if f.is_file())


def photos200(rounds: int) -> dict:
    """200 articles, each with its own camera photo, against the same without photos."""
    plain = bulletin(200, WORK / "corpus-200")
    photos = phone_photos(200, (4000, 3000), WORK / "photos-12mp")
    site = with_photos(plain, photos, 1, WORK / "site-200-photos")
    times: dict[str, list[float]] = {"plain_first": [], "photos_first": [], "plain_nochange": [], "photos_nochange": []}
    for _ in range(rounds):
        times["plain_first"].append(timed_build(plain))
        times["plain_nochange"].append(timed_build(plain, clean=False))
        times["photos_first"].append(timed_build(site))
        times["photos_nochange"].append(timed_build(site, clean=False))
    public = site / "public"
    return {"times": times, "medians": {k: statistics.median(v) for k, v in times.items()},
            "bytes_in": bytes_of(site / "content", "*.jpg"),
            "bytes_out": bytes_of(public, "*.jpg") + bytes_of(public, "*.webp"),
            "variants": len(list(public.rglob("*.webp"))) + len(list(public.rglob("*.jpg")))}


def tenth10k(rounds: int) -> dict:
    """The 10,000-article corpus with a phone photo on every tenth article."""
    plain = bulletin(10000, BENCH / "corpus" / "10000")
    photos = phone_photos(1000, (2000, 1500), WORK / "photos-3mp")
    site = with_photos(plain, photos, 10, WORK / "site-10k-photos")
    times: dict[str, list[float]] = {"plain_clean": [], "photos_clean": [], "photos_clean_kept_variants": [],
                                     "plain_nochange": [], "photos_nochange": []}
    for _ in range(rounds):
        times["plain_clean"].append(timed_build(plain))
        times["plain_nochange"].append(timed_build(plain, clean=False))
        times["photos_clean"].append(timed_build(site))
        times["photos_nochange"].append(timed_build(site, clean=False))
        times["photos_clean_kept_variants"].append(timed_build(site, keep_images=True))
    return {"times": times, "medians": {k: statistics.median(v) for k, v in times.items()},
            "bytes_in": bytes_of(site / "content", "*.jpg"),
            "bytes_out": bytes_of(site / "public", "*.jpg") + bytes_of(site / "public", "*.webp")}


def weight() -> dict:
    """Open the sample article with the camera photo in Chromium on a phone and a desktop; count every byte."""
    from playwright.sync_api import sync_playwright

    from sample_site import PAGES
    from test_browser_images import LEAD, SCREENS
    from tools import launch_chromium, new_context, serve_directory

    site = WORK / "sample"
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    shutil.copy2(REPO / "site.toml", site / "site.toml")
    shutil.copytree(REPO / "content", site / "content")
    timed_build(site)
    found = {}
    with serve_directory(site / "public", prefix="/ban-tin/") as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for screen, options in SCREENS.items():
            context = new_context(browser, **options)
            page = context.new_page()
            sizes: dict[str, int] = {}
            page.on("requestfinished", lambda r: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]))
            page.goto(base + PAGES["article"], wait_until="load")
            page.wait_for_function(f"document.querySelector('{LEAD}').complete")
            page.wait_for_timeout(300)
            images = {u.rsplit("/", 1)[1]: s for u, s in sizes.items() if u.endswith((".webp", ".jpg", ".png"))}
            found[screen] = {"total_bytes": sum(sizes.values()), "images": images,
                             "chosen": page.eval_on_selector(LEAD, "i => i.currentSrc").rsplit("/", 1)[1],
                             "original_bytes": (site / "content/tin-tuc-su-kien/anh-hoi-nghi-tong-ket-2023.jpg").stat().st_size}
            context.close()
        browser.close()
    return found


def avif() -> dict:
    """Encode one 12-megapixel photo at 800 px wide in each format; report bytes and seconds."""
    image = upright_scene().resize((800, 1067), Image.Resampling.LANCZOS)
    found = {}
    for name, options in {"webp": dict(format="WEBP", quality=74, method=4), "avif": dict(format="AVIF", quality=55, speed=8),
                          "avif_speed6": dict(format="AVIF", quality=55, speed=6), "jpeg": dict(format="JPEG", quality=80, optimize=True, progressive=True)}.items():
        seconds = []
        for _ in range(5):
            out = io.BytesIO()
            started = time.perf_counter()
            image.save(out, **options)
            seconds.append(time.perf_counter() - started)
        found[name] = {"bytes": len(out.getvalue()), "seconds": statistics.median(seconds)}
    return found


CASES = {"photos200": photos200, "tenth10k": tenth10k, "weight": weight, "avif": avif}


def main() -> int:
    """Run the chosen cases and save their figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    results = {"date": datetime.now().isoformat(timespec="seconds"), "cpus": os.cpu_count()}
    for name in arguments.cases.split(","):
        case = CASES[name]
        results[name] = case(arguments.rounds) if name in ("photos200", "tenth10k") else case()
        print(name, json.dumps(results[name], indent=1, ensure_ascii=False)[:3000], flush=True)
    save_results("images", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
