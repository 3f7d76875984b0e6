"""Demo pictures drawn with Pillow (the real photos are not ours to ship).

Each scene is a function of a seed, so `loaddemo` draws the same picture every time. They aim
to read as a picture at a glance on a news page (a sky, a horizon, light, depth) rather
than as a flat fill: gradients, perspective, silhouettes, glows and a little film grain.
No fonts and no files are needed, so they draw the same on every machine.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable, Sequence

from PIL import Image, ImageChops, ImageDraw, ImageFilter

Color = tuple[int, int, int]
SIZE = (1920, 1080)


# --- Tools ---------------------------------------------------------------------------------


def gradient(size: tuple[int, int], stops: Sequence[tuple[float, Color]]) -> Image.Image:
    """A vertical gradient through colour stops at fractions of the height (0 top, 1 bottom)."""
    width, height = size
    column = Image.new("RGB", (1, height))
    pixels = []
    for y in range(height):
        t = y / max(1, height - 1)
        for (t0, c0), (t1, c1) in zip(stops, stops[1:], strict=False):
            if t0 <= t <= t1:
                k = (t - t0) / max(1e-9, t1 - t0)
                pixels.append(tuple(round(a + (b - a) * k) for a, b in zip(c0, c1, strict=True)))
                break
        else:
            pixels.append(stops[-1][1] if t > stops[-1][0] else stops[0][1])
    column.putdata(pixels)
    return column.resize(size, Image.Resampling.NEAREST)


def add_glow(
    image: Image.Image,
    lights: Sequence[tuple[float, float, float, Color]],
    *,
    blur: float = 18,
    core: bool = True,
) -> Image.Image:
    """Add light: each (x, y, radius, colour) is a soft halo (blurred) with a bright core."""
    halo = Image.new("RGB", image.size)
    draw = ImageDraw.Draw(halo)
    for x, y, r, color in lights:
        draw.ellipse((x - r * 2.5, y - r * 2.5, x + r * 2.5, y + r * 2.5), fill=color)
    halo = halo.filter(ImageFilter.GaussianBlur(blur))
    image = ImageChops.add(image, ImageChops.multiply(halo, Image.new("RGB", image.size, "#999")))
    if core:
        draw = ImageDraw.Draw(image)
        for x, y, r, color in lights:
            bright = tuple(min(255, c + 90) for c in color)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=bright)
    return image


def skyline(
    image: Image.Image,
    rng: random.Random,
    *,
    base: int,
    min_h: int,
    max_h: int,
    color: Color,
    windows: Color | None = None,
    lit: float = 0.35,
    width: tuple[int, int] = (50, 140),
) -> list[tuple[float, float, float, Color]]:
    """Draw a row of buildings standing on y=`base`; returns window lights to glow."""
    draw = ImageDraw.Draw(image)
    lights = []
    x = -rng.randint(0, 60)
    while x < image.width:
        w = rng.randint(*width)
        h = rng.randint(min_h, max_h)
        top = base - h
        draw.rectangle((x, top, x + w, base), fill=color)
        if rng.random() < 0.25:  # a spire or a stepped top
            draw.rectangle((x + w * 0.3, top - h * 0.12, x + w * 0.7, top), fill=color)
        if windows:
            for wy in range(int(top) + 10, base - 8, 14):
                for wx in range(int(x) + 6, int(x + w) - 6, 11):
                    if rng.random() < lit:
                        draw.rectangle((wx, wy, wx + 4, wy + 6), fill=windows)
                        if rng.random() < 0.04:
                            lights.append((wx + 2, wy + 3, 3, windows))
        x += w + rng.randint(-8, 12)
    return lights


def person(draw: ImageDraw.ImageDraw, x: float, feet: float, height: float, color: Color) -> None:
    """A standing figure, seen from a distance: head, coat, legs."""
    head = height * 0.13
    shoulders = feet - height * 0.84
    draw.ellipse((x - head / 2, shoulders - head, x + head / 2, shoulders), fill=color)
    body_w = height * 0.27
    draw.rounded_rectangle(
        (x - body_w / 2, shoulders, x + body_w / 2, feet - height * 0.42),
        radius=max(1, body_w * 0.3),
        fill=color,
    )
    leg = height * 0.08
    draw.rectangle((x - body_w * 0.35, feet - height * 0.45, x - body_w * 0.35 + leg, feet), color)
    draw.rectangle((x + body_w * 0.35 - leg, feet - height * 0.45, x + body_w * 0.35, feet), color)


def lerp(a: tuple[float, float], b: tuple[float, float], t: float) -> tuple[float, float]:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def depth(i: int, n: int, near: float = 0.0) -> float:
    """Fractions of the way to the vanishing point, closer together with distance."""
    return 1 - (1 - near) * (0.78**i) if n else 0


def finish(image: Image.Image, rng: random.Random, *, grain: float = 0.05) -> Image.Image:
    """A vignette and film grain: what makes a drawing read as a photograph at a glance."""
    width, height = image.size
    mask = Image.new("L", (width // 8, height // 8), 0)
    ImageDraw.Draw(mask).ellipse(
        (-width // 40, -height // 30, width // 8 + width // 40, height // 8 + height // 30),
        fill=255,
    )
    mask = mask.filter(ImageFilter.GaussianBlur(width // 60)).resize(image.size)
    dark = Image.new("RGB", image.size, (8, 8, 14))
    image = Image.composite(image, Image.blend(dark, image, 0.55), mask)
    small = (width // 2, height // 2)
    noise = Image.frombytes("L", small, rng.randbytes(small[0] * small[1]))
    noise = noise.filter(ImageFilter.GaussianBlur(0.6)).resize(image.size).convert("RGB")
    return Image.blend(image, ImageChops.overlay(image, noise), grain)


# --- Scenes -------------------------------------------------------------------------------


def metro_platform(rng: random.Random) -> Image.Image:
    """Commuters on an elevated metro platform at dusk, the city lit up behind them."""
    w, h = SIZE
    horizon = int(h * 0.6)
    vp = (w * 0.66, horizon - 10)
    image = gradient(
        SIZE,
        [
            (0.0, (14, 22, 58)),
            (0.28, (58, 56, 118)),
            (0.45, (196, 104, 104)),
            (0.56, (250, 168, 96)),
            (0.6, (255, 204, 140)),
            (1.0, (40, 30, 40)),
        ],
    )
    lights = skyline(
        image, rng, base=horizon, min_h=60, max_h=190, color=(88, 70, 110), windows=None
    )
    lights += skyline(
        image,
        rng,
        base=horizon + 8,
        min_h=40,
        max_h=330,
        color=(34, 30, 54),
        windows=(255, 206, 120),
        lit=0.3,
        width=(40, 120),
    )
    image = add_glow(image, lights, blur=6)
    draw = ImageDraw.Draw(image)

    # Track bed and rails, running into the distance on the right.
    draw.polygon([(w * 0.5, h), (w, h), (w, horizon + 30), vp], fill=(26, 24, 30))
    for x in (0.6, 0.74, 0.88, 1.04):
        draw.line([(w * x, h), vp], fill=(170, 150, 150), width=5)
    for i in range(18):
        t = 1 - 0.8**i
        y = h + (vp[1] - h) * t
        left = lerp((w * 0.56, h), vp, t)[0]
        draw.line([(left, y), (w, y)], fill=(48, 42, 44), width=max(1, int(9 * (1 - t))))
    # The platform floor, lighter towards the lit distance.
    floor = gradient(SIZE, [(0.0, (60, 52, 66)), (0.6, (112, 92, 96)), (1.0, (44, 38, 48))])
    mask = Image.new("L", SIZE, 0)
    ImageDraw.Draw(mask).polygon([(0, h), (w * 0.5, h), vp, (0, horizon + 12)], fill=255)
    image.paste(floor, mask=mask)
    draw = ImageDraw.Draw(image)
    # Yellow safety strip along the platform edge.
    draw.polygon([(w * 0.44, h), (w * 0.5, h), vp, (vp[0] - 4, vp[1] + 1)], fill=(222, 180, 40))
    # The canopy roof: its underside lighter towards the lamps, ribs receding to the distance.
    roof_edge = ((w * 0.62, 0), (vp[0] - 30, horizon - 170))
    roof_back = ((0, 0), (0, horizon - 150))
    roof = gradient(SIZE, [(0.0, (16, 14, 24)), (0.45, (44, 40, 58))])
    mask = Image.new("L", SIZE, 0)
    ImageDraw.Draw(mask).polygon([roof_back[0], roof_edge[0], roof_edge[1], roof_back[1]], 255)
    image.paste(roof, mask=mask)
    draw = ImageDraw.Draw(image)
    for i in range(16):
        t = 1 - 0.82 ** (i + 0.3)
        a = lerp(roof_back[0], (vp[0] - 30, horizon - 160), t)
        b = lerp(roof_edge[0], roof_edge[1], t)
        draw.line([(0, a[1] + (roof_back[1][1] - a[1]) * t), b], fill=(60, 54, 72), width=2)
    draw.line(list(roof_edge), fill=(90, 80, 96), width=6)
    lamps = []
    for i in range(12):
        t = 1 - 0.8 ** (i + 0.6)
        x, y = lerp((w * 0.25, h * 0.08), (vp[0] - 40, horizon - 160), t)
        lamps.append((x, y, 22 * (1 - t) + 2, (255, 226, 170)))
    # Pillars holding the roof, smaller with distance.
    for i in range(7):
        t = 1 - 0.74 ** (i + 0.5)
        x, y = lerp((w * 0.4, h), vp, t)
        top = lerp((w * 0.4, h * 0.02), (vp[0] - 30, horizon - 170), t)[1]
        pw = 46 * (1 - t) + 2
        draw.rectangle((x - pw / 2, top, x + pw / 2, y), fill=(38, 34, 46))
    # A train's headlights far down the line.
    lamps += [
        (vp[0] + 22, vp[1] + 10, 4, (255, 250, 220)),
        (vp[0] + 40, vp[1] + 12, 4, (255, 250, 220)),
    ]
    # Commuters, nearest first so they overlap the ones behind.
    figures = []
    for _ in range(26):
        t = rng.uniform(0.05, 0.93)
        side = rng.uniform(0.05, 0.95)
        near_x = w * 0.03 + (w * 0.42) * side
        x, feet = lerp((near_x, h), vp, t)
        figures.append((t, x, feet))
    for t, x, feet in sorted(figures, reverse=True):
        height = 460 * (1 - t) + 12
        shade = int(18 + 40 * t)
        person(draw, x, feet, height, (shade, shade - 4 if shade > 4 else 0, shade + 8))
    image = add_glow(image, lamps, blur=28)
    return finish(image, rng)


def city_skyline(rng: random.Random, *, night: bool = False) -> Image.Image:
    """A business district over a river, with its reflection."""
    w, h = SIZE
    water = int(h * 0.66)
    sky = (
        [(0.0, (6, 12, 34)), (0.5, (30, 44, 92)), (0.66, (92, 84, 130))]
        if night
        else [(0.0, (70, 120, 190)), (0.45, (150, 184, 222)), (0.66, (238, 214, 180))]
    )
    image = gradient(SIZE, [*sky, (1.0, (10, 20, 36))])
    far = (120, 130, 160) if not night else (40, 44, 78)
    near = (54, 62, 84) if not night else (16, 18, 34)
    lights = skyline(image, rng, base=water, min_h=80, max_h=260, color=far, width=(60, 160))
    lights += skyline(
        image,
        rng,
        base=water,
        min_h=120,
        max_h=520,
        color=near,
        windows=(255, 214, 140) if night else (170, 196, 226),
        lit=0.45 if night else 0.6,
        width=(70, 170),
    )
    if night:
        image = add_glow(image, lights, blur=8)
    top = image.crop((0, water - (h - water), w, water)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    reflection = Image.blend(top, Image.new("RGB", top.size, (12, 26, 46)), 0.55)
    reflection = reflection.filter(ImageFilter.GaussianBlur(3))
    draw = ImageDraw.Draw(reflection)
    for y in range(0, reflection.height, 7):  # ripples
        draw.line([(0, y), (w, y)], fill=(10, 22, 40), width=2)
    image.paste(reflection, (0, water))
    return finish(image, rng)


def container_port(rng: random.Random) -> Image.Image:
    """Stacks of shipping containers and gantry cranes under an evening sky."""
    w, h = SIZE
    quay = int(h * 0.62)
    image = gradient(
        SIZE,
        [
            (0.0, (40, 70, 120)),
            (0.5, (220, 150, 110)),
            (0.62, (245, 200, 150)),
            (0.63, (40, 60, 80)),
            (1.0, (30, 36, 44)),
        ],
    )
    draw = ImageDraw.Draw(image)
    palette = [
        (178, 54, 40),
        (30, 92, 150),
        (214, 150, 40),
        (60, 120, 70),
        (120, 120, 126),
        (200, 90, 40),
        (90, 60, 110),
    ]
    for row in range(7):  # rows of stacks, nearer rows lower and larger
        scale = 0.55 + row * 0.22
        cw, ch = 120 * scale, 34 * scale
        base = quay + row * 58 * scale
        x = -rng.uniform(0, cw)
        while x < w:
            for level in range(rng.randint(1, 5)):
                color = rng.choice(palette)
                shade = 0.75 + 0.05 * row
                fill = tuple(min(255, int(c * shade)) for c in color)
                box = (x, base - ch * (level + 1), x + cw - 3, base - ch * level - 2)
                draw.rectangle(box, fill=fill)
                for rib in range(1, 8):
                    rx = box[0] + (box[2] - box[0]) * rib / 8
                    draw.line(
                        [(rx, box[1] + 2), (rx, box[3] - 2)], fill=tuple(c // 2 for c in fill)
                    )
            x += cw + rng.uniform(4, 30)
    for cx in (w * 0.16, w * 0.47, w * 0.8):  # gantry cranes
        leg = 16
        top = h * 0.16
        draw.rectangle((cx - 90, top, cx - 90 + leg, quay + 40), fill=(50, 46, 52))
        draw.rectangle((cx + 90, top, cx + 90 + leg, quay + 40), fill=(50, 46, 52))
        draw.rectangle((cx - 260, top - 20, cx + 200, top + 14), fill=(60, 54, 60))
        draw.line([(cx, top - 120), (cx - 260, top - 20)], fill=(60, 54, 60), width=6)
        draw.line([(cx, top - 120), (cx + 200, top - 20)], fill=(60, 54, 60), width=6)
        draw.line([(cx - 120, top + 14), (cx - 120, quay - 120)], fill=(70, 70, 70), width=3)
    image = add_glow(
        image,
        [
            (w * 0.16, h * 0.09, 6, (255, 80, 60)),
            (w * 0.47, h * 0.09, 6, (255, 80, 60)),
            (w * 0.8, h * 0.09, 6, (255, 80, 60)),
        ],
        blur=14,
    )
    return finish(image, rng)


def market_chart(rng: random.Random) -> Image.Image:
    """A trading screen: a candlestick chart with a moving average over a dark grid."""
    w, h = SIZE
    image = gradient(SIZE, [(0.0, (10, 16, 28)), (1.0, (18, 30, 46))])
    draw = ImageDraw.Draw(image)
    for x in range(0, w, 120):
        draw.line([(x, 0), (x, h)], fill=(30, 44, 62), width=1)
    for y in range(0, h, 90):
        draw.line([(0, y), (w, y)], fill=(30, 44, 62), width=1)
    price = h * 0.55
    closes = []
    for i in range(64):
        x = 40 + i * 29
        open_ = price
        price += rng.gauss(-2.5 if i < 40 else 3.5, 22)
        price = min(h * 0.85, max(h * 0.15, price))
        high = min(open_, price) - abs(rng.gauss(0, 14))
        low = max(open_, price) + abs(rng.gauss(0, 14))
        up = price < open_
        color = (46, 200, 120) if up else (230, 70, 80)
        draw.line([(x, high), (x, low)], fill=color, width=2)
        draw.rectangle((x - 9, min(open_, price), x + 9, max(open_, price) + 1), fill=color)
        closes.append((x, price))
    average = [
        (x, sum(p for _, p in closes[max(0, i - 8) : i + 1]) / len(closes[max(0, i - 8) : i + 1]))
        for i, (x, _) in enumerate(closes)
    ]
    draw.line(average, fill=(250, 200, 80), width=4)
    image = add_glow(image, [(closes[-1][0], closes[-1][1], 8, (46, 200, 120))], blur=16)
    return finish(image, rng, grain=0.03)


def circuit_board(rng: random.Random, *, tint: Color = (14, 70, 52)) -> Image.Image:
    """A processor on a circuit board, its traces lit."""
    w, h = SIZE
    image = gradient(SIZE, [(0.0, tint), (1.0, tuple(c // 3 for c in tint))])
    draw = ImageDraw.Draw(image)
    cx, cy, half = w * 0.5, h * 0.5, 190
    trace = tuple(min(255, c + 90) for c in tint)
    lights = []
    for _ in range(260):
        side = rng.choice("nsew")
        offset = rng.uniform(-half + 10, half - 10)
        x, y = {
            "n": (cx + offset, cy - half),
            "s": (cx + offset, cy + half),
            "w": (cx - half, cy + offset),
            "e": (cx + half, cy + offset),
        }[side]
        points = [(x, y)]
        for step in range(rng.randint(2, 5)):
            length = rng.uniform(60, 320)
            dx, dy = {"n": (0, -1), "s": (0, 1), "w": (-1, 0), "e": (1, 0)}[side]
            if step % 2:
                dx, dy = rng.choice([(1, 0), (-1, 0)]) if dy else rng.choice([(0, 1), (0, -1)])
            x, y = x + dx * length, y + dy * length
            points.append((x, y))
        draw.line(points, fill=trace, width=3)
        draw.ellipse((x - 6, y - 6, x + 6, y + 6), outline=trace, width=3)
        if rng.random() < 0.12:
            lights.append((x, y, 4, (120, 255, 200)))
    draw.rounded_rectangle((cx - half, cy - half, cx + half, cy + half), 18, fill=(28, 30, 34))
    draw.rounded_rectangle(
        (cx - half + 40, cy - half + 40, cx + half - 40, cy + half - 40), 10, fill=(120, 124, 130)
    )
    for i in range(24):
        p = -half + 16 + i * (2 * half - 32) / 23
        for a, b in (
            ((cx + p, cy - half - 14), (cx + p, cy - half)),
            ((cx + p, cy + half), (cx + p, cy + half + 14)),
            ((cx - half - 14, cy + p), (cx - half, cy + p)),
            ((cx + half, cy + p), (cx + half + 14, cy + p)),
        ):
            draw.line([a, b], fill=(200, 180, 110), width=5)
    image = add_glow(image, lights, blur=10)
    return finish(image, rng, grain=0.04)


def server_hall(rng: random.Random) -> Image.Image:
    """Rows of supercomputer cabinets in a cold hall, status lights glowing."""
    w, h = SIZE
    vp = (w * 0.5, h * 0.46)
    image = gradient(SIZE, [(0.0, (8, 14, 26)), (0.46, (30, 50, 80)), (1.0, (12, 18, 30))])
    draw = ImageDraw.Draw(image)
    lights = []
    for side in (-1, 1):
        for i in range(14):
            t0, t1 = 1 - 0.8**i, 1 - 0.8 ** (i + 1)
            near_x = w * 0.5 + side * w * 0.62
            x0, yb0 = lerp((near_x, h * 1.05), vp, t0)
            x1, yb1 = lerp((near_x, h * 1.05), vp, t1)
            yt0 = lerp((near_x, -h * 0.15), vp, t0)[1]
            yt1 = lerp((near_x, -h * 0.15), vp, t1)[1]
            shade = 22 + i * 3
            draw.polygon(
                [(x0, yt0), (x1, yt1), (x1, yb1), (x0, yb0)], fill=(shade, shade + 4, shade + 12)
            )
            draw.line([(x1, yt1), (x1, yb1)], fill=(8, 10, 16), width=2)
            for _ in range(int(16 * (1 - t0)) + 2):
                k = rng.random()
                lx = x0 + (x1 - x0) * k
                ly = (yt0 + (yt1 - yt0) * k) + (
                    (yb0 + (yb1 - yb0) * k) - (yt0 + (yt1 - yt0) * k)
                ) * rng.uniform(0.1, 0.9)
                color = rng.choice([(60, 160, 255), (60, 160, 255), (80, 255, 160), (255, 170, 60)])
                lights.append((lx, ly, 3 * (1 - t0) + 1, color))
    for i in range(10):  # ceiling strip lights
        t = 1 - 0.78 ** (i + 0.5)
        x, y = lerp((w * 0.5, h * 0.02), vp, t)
        lights.append((x, y, 14 * (1 - t) + 2, (200, 220, 255)))
    image = add_glow(image, lights, blur=12)
    return finish(image, rng)


def lunar_horizon(rng: random.Random) -> Image.Image:
    """A lander on the grey lunar surface, Earth low over the horizon, stars."""
    w, h = SIZE
    image = Image.new("RGB", SIZE, (2, 2, 8))
    draw = ImageDraw.Draw(image)
    for _ in range(900):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h * 0.7), rng.choice([0.6, 0.8, 1, 1.5])
        b = rng.randint(120, 255)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(b, b, b))
    ex, ey, er = w * 0.78, h * 0.24, 90
    draw.ellipse((ex - er, ey - er, ex + er, ey + er), fill=(50, 110, 200))
    for _ in range(9):
        ox, oy = rng.uniform(-er * 0.7, er * 0.5), rng.uniform(-er * 0.7, er * 0.6)
        draw.ellipse((ex + ox, ey + oy, ex + ox + 60, ey + oy + 26), fill=(236, 240, 246))
    draw.pieslice((ex - er, ey - er, ex + er, ey + er), 90, 270, fill=(6, 12, 28))
    ground = gradient((w, int(h * 0.42)), [(0.0, (120, 120, 124)), (1.0, (40, 40, 44))])
    image.paste(ground, (0, int(h * 0.58)))
    draw = ImageDraw.Draw(image)
    for _ in range(70):  # craters, flatter with distance
        y = rng.uniform(h * 0.6, h)
        s = (y - h * 0.58) / (h * 0.42)
        r = rng.uniform(10, 90) * s + 3
        x = rng.uniform(-50, w + 50)
        draw.ellipse((x - r, y - r * 0.3, x + r, y + r * 0.3), fill=(70, 70, 74))
        draw.arc((x - r, y - r * 0.3, x + r, y + r * 0.3), 180, 360, fill=(170, 170, 172), width=2)
    lx, ly = w * 0.36, h * 0.8  # the lander
    draw.polygon(
        [(lx - 120, ly - 200), (lx + 120, ly - 200), (lx + 90, ly - 60), (lx - 90, ly - 60)],
        fill=(200, 170, 60),
    )
    draw.rectangle((lx - 60, ly - 300, lx + 60, ly - 200), fill=(180, 184, 190))
    for sx in (-1, 1):
        draw.line([(lx + sx * 90, ly - 70), (lx + sx * 170, ly)], fill=(150, 150, 156), width=10)
        draw.ellipse((lx + sx * 170 - 28, ly - 8, lx + sx * 170 + 28, ly + 8), fill=(150, 150, 156))
    draw.ellipse((lx - 150, ly - 10, lx + 250, ly + 30), fill=(30, 30, 34))  # shadow
    image = add_glow(image, [(lx + 40, ly - 280, 5, (255, 60, 60))], blur=12)
    return finish(image, rng, grain=0.04)


def flooded_coast(rng: random.Random) -> Image.Image:
    """A sea wall under a storm sky, waves breaking, a town's lights behind."""
    w, h = SIZE
    image = gradient(
        SIZE,
        [
            (0.0, (52, 60, 72)),
            (0.45, (120, 130, 140)),
            (0.55, (150, 156, 160)),
            (0.56, (40, 70, 84)),
            (1.0, (18, 40, 52)),
        ],
    )
    draw = ImageDraw.Draw(image)
    for _ in range(40):  # clouds
        x, y = rng.uniform(-200, w), rng.uniform(-50, h * 0.35)
        rw, rh = rng.uniform(200, 500), rng.uniform(40, 110)
        g = rng.randint(70, 110)
        draw.ellipse((x, y, x + rw, y + rh), fill=(g, g + 6, g + 14))
    image = image.filter(ImageFilter.GaussianBlur(2))
    lights = skyline(
        image,
        rng,
        base=int(h * 0.56),
        min_h=20,
        max_h=90,
        color=(50, 56, 64),
        windows=(255, 214, 150),
        lit=0.25,
        width=(30, 80),
    )
    draw = ImageDraw.Draw(image)
    for i in range(30):  # waves
        y = h * 0.58 + i * i * 0.55
        for x in range(-100, w, 80):
            ww = 60 + i * 6
            xo = x + rng.uniform(-30, 30)
            draw.arc((xo, y, xo + ww, y + 8 + i), 200, 340, fill=(200, 220, 226), width=1 + i // 8)
    draw.polygon(
        [(0, h * 0.78), (w * 0.55, h * 0.64), (w * 0.55, h * 0.68), (0, h * 0.9)], fill=(84, 84, 88)
    )
    draw.polygon(
        [(0, h * 0.9), (w * 0.55, h * 0.68), (w * 0.6, h * 0.7), (0, h)], fill=(60, 60, 64)
    )
    for _ in range(14):  # spray over the wall
        x = rng.uniform(0, w * 0.5)
        y = h * 0.78 - x * 0.25
        r = rng.uniform(30, 80)
        draw.ellipse((x - r, y - r * 1.6, x + r, y), fill=(220, 232, 236))
    image = add_glow(image, lights, blur=6)
    return finish(image, rng)


def power_lines(rng: random.Random) -> Image.Image:
    """Pylons carrying power lines across parched fields under a hazy, hot sun."""
    w, h = SIZE
    horizon = int(h * 0.64)
    image = gradient(
        SIZE,
        [
            (0.0, (190, 90, 40)),
            (0.4, (240, 160, 80)),
            (0.64, (255, 220, 150)),
            (0.65, (170, 130, 70)),
            (1.0, (90, 60, 30)),
        ],
    )
    image = add_glow(image, [(w * 0.7, h * 0.3, 70, (255, 230, 160))], blur=60)
    draw = ImageDraw.Draw(image)
    for i in range(40):  # furrows
        y = horizon + (h - horizon) * (i / 40) ** 1.6
        draw.line([(0, y), (w, y)], fill=(120, 84, 40), width=1 + i // 12)
    tops = []
    for i in range(6):
        t = 1 - 0.62**i
        x = w * 0.1 + (w * 0.92 - w * 0.1) * t
        size = 620 * (1 - t) + 40
        base = horizon + 240 * (1 - t)
        top = base - size
        color = (40, 30, 26)
        draw.line([(x - size * 0.18, base), (x, top)], fill=color, width=max(2, int(8 * (1 - t))))
        draw.line([(x + size * 0.18, base), (x, top)], fill=color, width=max(2, int(8 * (1 - t))))
        for k in (0.25, 0.5, 0.75):
            yk = base - size * k
            half = size * 0.18 * (1 - k)
            draw.line([(x - half, yk), (x + half, yk)], fill=color, width=max(1, int(5 * (1 - t))))
        arm = top + size * 0.12
        draw.line(
            [(x - size * 0.3, arm), (x + size * 0.3, arm)],
            fill=color,
            width=max(2, int(7 * (1 - t))),
        )
        tops.append((x, arm, size))
    for side in (-0.28, 0.0, 0.28):
        for (x0, y0, s0), (x1, y1, s1) in zip(tops, tops[1:], strict=False):
            a, b = (x0 + side * s0, y0), (x1 + side * s1, y1)
            sag = [lerp(a, b, k / 20) for k in range(21)]
            sag = [
                (x, y + math.sin(math.pi * k / 20) * 40 * (s0 / 620))
                for k, (x, y) in enumerate(sag)
            ]
            draw.line(sag, fill=(30, 22, 20), width=2)
    return finish(image, rng)


def ballot_boxes(rng: random.Random) -> Image.Image:
    """Ballot papers dropping into transparent boxes in a bright hall."""
    w, h = SIZE
    image = gradient(SIZE, [(0.0, (200, 214, 232)), (0.7, (240, 240, 236)), (1.0, (150, 140, 130))])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, h * 0.7, w, h), fill=(120, 90, 70))  # table
    for i, cx in enumerate((w * 0.2, w * 0.5, w * 0.8)):
        bw, bh = 420, 380
        top = h * 0.7 - bh
        box = Image.new("RGBA", SIZE, (0, 0, 0, 0))
        bd = ImageDraw.Draw(box)
        bd.rectangle(
            (cx - bw / 2, top, cx + bw / 2, h * 0.7),
            fill=(230, 240, 250, 110),
            outline=(120, 140, 160, 255),
            width=4,
        )
        image.paste(Image.alpha_composite(image.convert("RGBA"), box).convert("RGB"))
        draw = ImageDraw.Draw(image)
        for _ in range(28):  # papers inside
            px = rng.uniform(cx - bw / 2 + 20, cx + bw / 2 - 90)
            py = rng.uniform(h * 0.7 - 150, h * 0.7 - 40)
            ang = rng.uniform(-40, 40)
            paper = Image.new("RGBA", (90, 60), (250, 250, 246, 255))
            pd = ImageDraw.Draw(paper)
            for line in range(3):
                pd.line([(10, 14 + line * 14), (80, 14 + line * 14)], fill=(150, 150, 160), width=2)
            pd.rectangle((66, 8, 80, 22), outline=(40, 40, 120), width=2)
            paper = paper.rotate(ang, expand=True)
            image.paste(paper, (int(px), int(py)), paper)
        draw = ImageDraw.Draw(image)
        draw.rectangle((cx - 80, top - 8, cx + 80, top + 8), fill=(60, 70, 90))  # slot
        stripe = [(200, 40, 50), (30, 70, 150), (240, 190, 40)][i]
        draw.rectangle((cx - bw / 2, top + 40, cx + bw / 2, top + 70), fill=stripe)
    return finish(image, rng, grain=0.03)


SCENES: dict[str, Callable[[random.Random], Image.Image]] = {
    "metro": metro_platform,
    "skyline": city_skyline,
    "skyline-night": lambda rng: city_skyline(rng, night=True),
    "port": container_port,
    "chart": market_chart,
    "chip": circuit_board,
    "chip-violet": lambda rng: circuit_board(rng, tint=(52, 30, 84)),
    "servers": server_hall,
    "moon": lunar_horizon,
    "coast": flooded_coast,
    "pylons": power_lines,
    "ballots": ballot_boxes,
}


def draw_scene(name: str, *, seed: int) -> bytes:
    """The named scene as a 1920×1080 JPEG: the same bytes for the same name and seed."""
    rng = random.Random(seed)  # noqa: S311 - picture layout, not security
    image = SCENES[name](rng).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=86, optimize=True, progressive=True)
    return buffer.getvalue()
