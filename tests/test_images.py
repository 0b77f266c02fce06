"""Photos sized for readers: variants in widths and formats, upright, without metadata, cached, and bad images refused."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from sample_photo import SERIAL, make_sample_photo
from sitekit import SITE_TOML, article, make_site, read, run_build, snapshot, png

T = "content/tin-tuc/"
PAGE = "tin-tuc/bai-anh/index.html"


def jpeg(width: int, height: int, mode: str = "RGB", **save: object) -> bytes:
    """Return a JPEG of a soft gradient (something like a photo) in `mode`."""
    image = Image.linear_gradient("L").resize((width, height)).convert(mode)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def photo_site(root: Path, image: str, data: bytes, site_toml: str = SITE_TOML, body: str = "Thân bài.") -> Path:
    """Make a site whose one article shows `image` as its lead photo."""
    return make_site(root, {T + "bai-anh.md": article("Bài ảnh", image=image, image_alt="Ảnh hội nghị", slug="bai-anh", body=body),
                            T + image: data}, site_toml=site_toml)


@pytest.fixture(scope="module")
def camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site whose article leads with the sample camera photo (12 MP, sideways with orientation 6, GPS), built."""
    root = tmp_path_factory.mktemp("camera") / "site"
    photo = make_sample_photo(tmp_path_factory.mktemp("photo") / "anh.jpg")
    photo_site(root, "anh-may-anh.jpg", photo.read_bytes())
    done = run_build(root)
    assert done.code == 0, done.stderr
    return root


def test_a_camera_photo_is_served_in_widths_and_formats_and_never_published_whole(camera: Path) -> None:
    published = sorted(p.name for p in (camera / "public/tin-tuc").iterdir() if p.is_file())
    assert published == sorted(f"anh-may-anh.{w}.{f}" for w in (480, 800, 1200, 1600) for f in ("jpg", "webp")) + ["feed.xml", "index.html"]
    for width in (480, 800, 1200, 1600):
        with Image.open(camera / f"public/tin-tuc/anh-may-anh.{width}.webp") as image:
            assert image.size == (width, round(width * 4000 / 3000))  # upright: a portrait, as the phone was held
    original = len((camera / "content/tin-tuc/anh-may-anh.jpg").read_bytes())
    assert os.path.getsize(camera / "public/tin-tuc/anh-may-anh.800.webp") < original / 20


def test_published_variants_carry_no_gps_serial_or_orientation(camera: Path) -> None:
    for file in (camera / "public/tin-tuc").glob("anh-may-anh.*"):
        data = file.read_bytes()
        assert SERIAL.encode() not in data and b"BantinCam" not in data and b"Exif" not in data, file.name
        with Image.open(file) as image:
            assert not image.getexif(), file.name  # no EXIF at all: no GPS, no orientation left to apply twice


def test_variants_show_the_photo_the_right_way_up(camera: Path) -> None:
    with Image.open(camera / "public/tin-tuc/anh-may-anh.800.jpg") as image:
        top, bottom = image.convert("RGB").getpixel((100, 120)), image.convert("RGB").getpixel((100, 1000))
    assert top[0] > 150 and top[1] < 90  # the red banner is at the top, as drawn
    assert bottom[1] > bottom[2]  # the hall's floor, green, at the bottom


def test_the_page_offers_the_variants_with_sizes_and_the_lead_photo_loads_first(camera: Path) -> None:
    page = read(camera, PAGE)
    lead = page.split('<figure class="lead-figure">')[1].split("</figure>")[0]
    assert '<source type="image/webp" srcset="/ban-tin/tin-tuc/anh-may-anh.480.webp 480w, /ban-tin/tin-tuc/anh-may-anh.800.webp 800w, ' \
           '/ban-tin/tin-tuc/anh-may-anh.1200.webp 1200w, /ban-tin/tin-tuc/anh-may-anh.1600.webp 1600w"' in lead
    assert 'src="/ban-tin/tin-tuc/anh-may-anh.800.jpg"' in lead and 'width="1600" height="2133"' in lead
    assert 'fetchpriority="high"' in lead and 'loading="lazy"' not in lead
    assert '<meta property="og:image" content="https://example.org/ban-tin/tin-tuc/anh-may-anh.1200.jpg">' in page
    assert '<meta property="og:image:width" content="1200">' in page and '<meta property="og:image:height" content="1600">' in page
    section = read(camera, "tin-tuc/index.html")  # the teaser's thumbnail: lazy, small
    assert 'sizes="(max-width: 30rem) 6rem, 8.5rem"' in section and 'loading="lazy"' in section


def test_a_small_graphic_is_never_upscaled_and_stays_lossless(tmp_path: Path) -> None:
    chart = Image.new("P", (300, 200), 0)
    chart.putpalette([255, 255, 255, 200, 30, 36] + [0] * 762)
    chart.paste(1, (50, 50, 250, 150))
    out = io.BytesIO()
    chart.save(out, "PNG")
    root = photo_site(tmp_path, "bieu-do.png", out.getvalue(), body="![Biểu đồ](bieu-do.png)")
    done = run_build(root)
    assert done.code == 0, done.stderr
    assert sorted(p.name for p in (root / "public/tin-tuc").glob("bieu-do*")) == ["bieu-do.300.png", "bieu-do.300.webp"]
    for name in ("bieu-do.300.png", "bieu-do.300.webp"):
        with Image.open(root / "public/tin-tuc" / name) as image:
            assert image.convert("RGB").tobytes() == chart.convert("RGB").tobytes(), name  # every pixel kept
    body = read(root, PAGE).split('class="prose')[1]
    assert 'width="300" height="200" loading="lazy" decoding="async"></picture>' in body


def test_originals_are_published_when_the_site_asks_or_an_article_links_to_them(tmp_path: Path) -> None:
    data = jpeg(900, 600)
    asked = photo_site(tmp_path / "asked", "anh.jpg", data, site_toml=SITE_TOML + "\n[images]\noriginals = true\n")
    assert run_build(asked).code == 0
    assert (asked / "public/tin-tuc/anh.jpg").read_bytes() == data
    linked = photo_site(tmp_path / "linked", "anh.jpg", data, body="[Tải ảnh gốc](anh.jpg)")
    assert run_build(linked).code == 0
    assert (linked / "public/tin-tuc/anh.jpg").read_bytes() == data and (linked / "public/tin-tuc/anh.800.jpg").is_file()
    plain = photo_site(tmp_path / "plain", "anh.jpg", data)
    assert run_build(plain).code == 0
    assert not (plain / "public/tin-tuc/anh.jpg").exists()


def test_odd_images_are_converted_or_kept_as_they_are(tmp_path: Path) -> None:
    cmyk = jpeg(700, 500, "CMYK")
    deep = io.BytesIO()
    Image.linear_gradient("L").resize((400, 300)).convert("I").point(lambda v: v * 257).convert("I;16").save(deep, "PNG")
    frames = [Image.new("RGB", (120, 80), colour) for colour in ((200, 30, 36), (40, 120, 60), (30, 60, 200))]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    root = make_site(tmp_path, {
        T + "a.md": article("Ảnh CMYK", image="in.jpg", image_alt="Bản in"),
        T + "b.md": article("Ảnh 16 bit", image="sau.png", image_alt="Ảnh quét"),
        T + "c.md": article("Ảnh động", image="dong.gif", image_alt="Ảnh động"),
        T + "in.jpg": cmyk, T + "sau.png": deep.getvalue(), T + "dong.gif": gif.getvalue(),
    })
    done = run_build(root)
    assert done.code == 0, done.stderr
    with Image.open(root / "public/tin-tuc/in.700.jpg") as image:
        assert image.mode == "RGB"  # browsers show CMYK JPEGs badly or not at all: converted
    with Image.open(root / "public/tin-tuc/sau.400.png") as image:
        assert image.mode == "RGB" and image.getpixel((0, 299))[0] > 200  # 16-bit grey brought to 8 bits, not clipped
    assert (root / "public/tin-tuc/dong.gif").read_bytes() == gif.getvalue()  # an animation is published as it is
    assert not list((root / "public/tin-tuc").glob("dong.*.webp"))
    assert run_build(root, "check").code == 0


BAD = [
    ("not-an-image", "hong.jpg", b"day khong phai anh" * 20, "Tệp “hong.jpg” không phải là ảnh, hoặc đã hỏng."),
    ("lying-extension", "anh.jpg", png(40, 30), "Tệp “anh.jpg” mang đuôi .jpg nhưng thực ra là ảnh PNG."),
    ("truncated", "cat.jpg", jpeg(1200, 900)[:6000], "Ảnh “cat.jpg” bị hỏng hoặc chép chưa hết, không đọc được"),
]


def bomb() -> bytes:
    """Return a small PNG that would decode to 144 million pixels."""
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("name, file, data, message", BAD + [("bomb", "bom.png", bomb(), "Ảnh “bom.png” quá lớn")],
                         ids=[case[0] for case in BAD] + ["bomb"])
def test_a_bad_image_names_the_article_and_the_file_and_keeps_the_old_site(tmp_path: Path, name: str, file: str,
                                                                           data: bytes, message: str) -> None:
    root = photo_site(tmp_path, file, jpeg(64, 48) if file.endswith(".jpg") else png(64, 48))
    assert run_build(root).code == 0
    before = snapshot(root / "public")
    (root / T / file).write_bytes(data)
    for command in ((), ("check",)):
        done = run_build(root, *command)
        assert done.code == 1, done.stderr
        assert f"content/tin-tuc/bai-anh.md:4: {message}" in done.stderr, done.stderr
        assert "→" in done.stderr and "Lỗi nội bộ" not in done.stderr
    assert snapshot(root / "public") == before


def test_variants_are_kept_between_builds_and_a_setting_re_encodes_only_what_it_sets(tmp_path: Path) -> None:
    root = photo_site(tmp_path, "anh.jpg", jpeg(1000, 700))
    assert run_build(root).code == 0
    kept = root / ".bantin/cache/images"
    first = {p.name: p.stat().st_mtime_ns for p in kept.rglob("*.*")}
    assert sorted(name.rsplit(".", 1)[1] for name in first) == ["jpg"] * 3 + ["webp"] * 3
    shutil.rmtree(root / "public")
    assert run_build(root).code == 0  # a new output folder: every variant comes from the store, none is encoded
    assert {p.name: p.stat().st_mtime_ns for p in kept.rglob("*.*")} == first
    (root / "site.toml").write_text(SITE_TOML + "\n[images]\nwebp_quality = 60\n", encoding="utf-8")
    assert run_build(root).code == 0
    after = {p.name: p.stat().st_mtime_ns for p in kept.rglob("*.*")}
    assert {n for n in after if n not in first} and all(n.endswith(".webp") for n in after if n not in first)
    assert all(after[n] == first[n] for n in first)  # the JPEGs were not made again


def test_fast_and_reference_builds_write_the_same_variants(camera: Path, tmp_path: Path) -> None:
    shutil.copytree(camera / "content", tmp_path / "content")
    shutil.copy2(camera / "site.toml", tmp_path / "site.toml")
    assert run_build(tmp_path, "--jobs", "1", "--no-cache").code == 0
    assert snapshot(tmp_path / "public") == snapshot(camera / "public")


def test_bad_image_settings_are_reported_with_their_line(tmp_path: Path) -> None:
    root = photo_site(tmp_path, "anh.jpg", jpeg(100, 80),
                      site_toml=SITE_TOML + '\n[images]\nwidths = [480, "lớn"]\nwebp_quality = 0\nsize = 3\n')
    done = run_build(root)
    assert done.code == 1
    lines = SITE_TOML.count("\n") + 2
    assert f"site.toml:{lines + 1}: widths trong [images] phải là danh sách số nguyên từ 16 đến 8000." in done.stderr
    assert f"site.toml:{lines + 2}: webp_quality trong [images] phải từ 1 đến 100." in done.stderr
    assert f"site.toml:{lines + 3}: Khoá không hợp lệ “size” trong [images]." in done.stderr
