"""The themes keep every role readable: text colours against the background."""

from __future__ import annotations

import pytest

from scenes import style
from scenes.checks import _rgb, contrast_ratio

TEXT_ROLES = ("ink", "muted", "z", "cost", "target", "bias", "weight_pos", "weight_neg", "highlight", "ghost")


@pytest.mark.parametrize("theme", list(style.THEMES.values()), ids=lambda t: t.name)
def test_every_role_colour_reads_against_the_background(theme: style.Theme) -> None:
    bg = _rgb(theme.background)
    weak = {r: round(contrast_ratio(_rgb(getattr(theme, r)), bg), 2) for r in TEXT_ROLES}
    assert {r: c for r, c in weak.items() if c < 4.5} == {}


@pytest.mark.parametrize("theme", list(style.THEMES.values()), ids=lambda t: t.name)
def test_numbers_on_bright_neurons_read(theme: style.Theme) -> None:
    assert contrast_ratio(_rgb(theme.neuron_text_bright), _rgb(theme.neuron_fill)) >= 4.5
