"""Weekly series drawn as server-rendered SVG line charts (no JavaScript), with a table beside each.

The template (templates/moderation/_chart.html) only places what is computed here: the plot's
coordinates, the axis ticks and each series' points. Series differ by dash pattern and marker
as well as colour, so the chart reads without colour too.
"""
from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 36
# Colours with at least 3:1 contrast on white; dashes tell them apart without colour.
STYLES = (("#1f5fa8", ""), ("#b0412e", "6 4"), ("#2d7a3a", "2 3"), ("#6b4c9a", "10 3 2 3"))


@dataclass
class Series:
    label: str
    values: list[int]
    colour: str = ""
    dash: str = ""
    points: list[tuple[float, float]] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)


@dataclass
class Chart:
    id: str
    title: str
    description: str
    weeks: list[date]
    series: list[Series]
    width: int = WIDTH
    height: int = HEIGHT
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    x_ticks: list[tuple[float, date]] = field(default_factory=list)
    left: int = LEFT
    bottom_y: float = HEIGHT - BOTTOM
    right_x: float = WIDTH - RIGHT


def _nice_max(value: int) -> int:
    """The top of the y axis: 1, 2 or 5 times a power of ten, at least the largest value."""
    if value <= 5:
        return 5
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def line_chart(chart_id: str, title: str, description: str, weeks: list[date],
               series: list[tuple[str, list[int]]]) -> Chart:
    top = _nice_max(max((v for _, values in series for v in values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(weeks)

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h - plot_h * v / top

    drawn = []
    for (label, values), (colour, dash) in zip(series, STYLES, strict=False):
        drawn.append(Series(label, values, colour, dash, [(x(i), y(v)) for i, v in enumerate(values)]))
    every = max(1, -(-n // 8))  # at most about eight date labels
    return Chart(
        chart_id, title, description, weeks, drawn,
        y_ticks=[(y(top * k / 4), round(top * k / 4)) for k in range(5)],
        x_ticks=[(x(i), weeks[i]) for i in range(0, n, every)],
    )
