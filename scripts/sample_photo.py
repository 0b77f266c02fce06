"""Make the sample bulletin's camera photo: a 12-megapixel JPEG as a phone writes it, made from code.

It is not committed (a 4 MB file in git is a 4 MB clone for ever): `scripts/setup.sh` and the
tests make it. Like a phone's photo it is stored sideways with an EXIF orientation (6: turn it
a quarter to the right to show it), and carries a GPS position, a camera make, model and
serial number, so tests can prove that no published variant keeps them.

    python3 scripts/sample_photo.py [PATH]
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

SAMPLE_PHOTO = Path(__file__).resolve().parent.parent / "content" / "tin-tuc-su-kien" / "anh-hoi-nghi-tong-ket-2023.jpg"
UPRIGHT = (3000, 4000)  # as shown: a portrait photo, 12 megapixels
GPS = {1: "N", 2: (21.0, 1.0, 42.0), 3: "E", 4: (105.0, 51.0, 12.0)}  # GPSLatitudeRef, GPSLatitude, ...
SERIAL = "BANTIN-SAMPLE-0042"


def upright_scene(seed: int = 2023) -> Image.Image:
    """Draw a photo-like scene the right way up: a sky above (with a red banner), a hall below, and grain."""
    random.seed(seed)
    width, height = UPRIGHT
    scene = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    sky = Image.new("RGB", (width, height), (96, 150, 214))
    floor = Image.new("RGB", (width, height), (74, 112, 60))
    scene = Image.composite(floor, sky, scene.convert("L"))
    draw = ImageDraw.Draw(scene)
    draw.rectangle((300, 350, width - 300, 900), fill=(200, 30, 36))  # the red banner: at the top when upright
    draw.ellipse((width // 2 - 140, 480, width // 2 + 140, 760), fill=(246, 195, 67))
    for _ in range(260):  # rows of people: soft blobs of many colours
        x, y, r = random.randrange(width), random.randrange(height // 2, height), random.randrange(30, 110)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(random.randrange(40, 230) for _ in range(3)))
    scene = scene.filter(ImageFilter.GaussianBlur(3))
    grain = Image.effect_noise((width, height), 40).convert("RGB")
    return Image.blend(scene, grain, 0.22)


def make_sample_photo(path: Path = SAMPLE_PHOTO) -> Path:
    """Write the photo as a phone stores it (sideways, with orientation 6, GPS and serial), unless it is already there."""
    if path.is_file() and path.stat().st_size > 0:
        return path
    stored = upright_scene().transpose(Image.Transpose.ROTATE_90)  # orientation 6 turns this back upright
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F], exif[0x0110] = "BantinCam", "S12 Pro"  # Make, Model
    exif.get_ifd(0x8769)[0xA431] = SERIAL  # Exif IFD: BodySerialNumber
    exif.get_ifd(0x8825).update(GPS)  # GPS IFD
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    stored.save(temporary, "JPEG", quality=92, exif=exif.tobytes())
    temporary.replace(path)
    return path


if __name__ == "__main__":
    print(make_sample_photo(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE_PHOTO))
