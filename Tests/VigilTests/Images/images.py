"""Real image files for the image tests, made with Pillow, and what Pillow reads in the images
an endpoint received (an independent reader: not Vigil's own header parser).

  python3 images.py make FOLDER      writes the sheets (see SHEETS) into FOLDER
  python3 images.py inspect FILE...  prints one JSON line per file: format, width, height
"""
import json
import os
import random
import sys

from PIL import Image, ImageDraw


def sheet(width, height, mode="RGB", seed=1):
    """A herbarium-like sheet: a pale ground, a dark specimen, a label with text-like strokes."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (236, 230, 214))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.line((x, y, x + rng.randrange(-width // 4, width // 4), y + rng.randrange(height // 4)),
                  fill=(40 + rng.randrange(60), 70 + rng.randrange(60), 30), width=max(2, width // 300))
    draw.rectangle((width * 6 // 10, height * 8 // 10, width * 95 // 100, height * 95 // 100), fill=(250, 250, 245))
    for row in range(8):
        y = height * 81 // 100 + row * height // 80
        draw.line((width * 62 // 100, y, width * 62 // 100 + rng.randrange(width // 4), y), fill=(20, 20, 20),
                  width=max(1, width // 800))
    return image if mode == "RGB" else image.convert(mode)


def make(folder):
    os.makedirs(folder, exist_ok=True)
    path = lambda name: os.path.join(folder, name)
    sheet(6000, 8000, seed=1).save(path("master-6000.tif"), compression="tiff_lzw")
    sheet(3000, 4000, seed=2).save(path("master-3000.tif"), compression="tiff_lzw")
    sheet(6000, 8000, seed=3).save(path("master-6000.jpg"), quality=90)
    sheet(3000, 4000, seed=4).save(path("master-3000.jpg"), quality=90)
    # 16-bit greyscale, CMYK, and two pages (the first is sent).
    sheet(1600, 1200, seed=5).convert("I;16").save(path("grey-16bit.tif"))
    sheet(1200, 1600, "CMYK", seed=6).save(path("cmyk.tif"), compression="tiff_lzw")
    sheet(1500, 2000, seed=7).save(path("two-pages.tif"), save_all=True,
                                  append_images=[sheet(400, 300, seed=8)])
    # A PNG named .jpg, small enough to be sent as it is.
    sheet(600, 800, seed=9).save(path("label-png.jpg"), format="PNG")
    # A JPEG cut short: damaged.
    sheet(2000, 2600, seed=10).save(path("whole.jpg"), quality=90)
    with open(path("whole.jpg"), "rb") as whole:
        data = whole.read()
    with open(path("truncated.jpg"), "wb") as cut:
        cut.write(data[: len(data) // 3])
    os.remove(path("whole.jpg"))
    with open(path("random.jpg"), "wb") as noise:
        noise.write(random.Random(11).randbytes(50_000))
    with open(path("label.txt"), "w", encoding="utf-8") as text:
        text.write("Herbarium label: Carex flacca Schreb., 1911, Kew — leg. J. Smith\n")


def inspect(files):
    for name in files:
        with Image.open(name) as image:
            print(json.dumps({"file": name, "format": image.format, "width": image.width, "height": image.height}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        inspect(sys.argv[2:])
