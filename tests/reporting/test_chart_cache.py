"""Charts are drawn once per figures for every worker of the machine: the `charts` cache lives in files."""

from django.test import override_settings

from reporting import charts


def test_the_same_figures_are_drawn_once_even_in_another_process(tmp_path, monkeypatch):
    location = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "charts": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
    }
    with override_settings(CACHES=location):
        drawn = []
        real = charts._to_svg
        monkeypatch.setattr(charts, "_to_svg", lambda figure: drawn.append(1) or real(figure))
        first = charts.grouped_bars("Actes par an", ["2024", "2025"], [("Actes", [1200, 1350])])
        assert drawn == [1] and list(tmp_path.iterdir())  # written to disk, where every worker reads
        again = charts.grouped_bars("Actes par an", ["2024", "2025"], [("Actes", [1200, 1350])])
        assert drawn == [1] and again.svg == first.svg and again.description == first.description
        charts.grouped_bars("Actes par an", ["2024", "2025"], [("Actes", [1200, 1351])])
        assert drawn == [1, 1]  # other figures, another drawing
