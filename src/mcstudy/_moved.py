"""Old import paths that keep working after a module moved, with a DeprecationWarning.

The package is laid out like its data flow (io, model, experiments, analysis, attribution,
studies, claims, report). Modules that stood elsewhere before keep their old names through an
import hook (:func:`install`, run by ``import mcstudy``): importing an old path gives the
module at its new path (the same object, so classes, exceptions and pickles agree) and warns,
with a DeprecationWarning pointing at the importing line.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

#: Old module path -> new module path.
MOVED = {
    "mcstudy.runs": "mcstudy.experiments",
    "mcstudy.runs.backends": "mcstudy.experiments.backends",
    "mcstudy.runs.batch": "mcstudy.experiments.batch",
    "mcstudy.runs.config": "mcstudy.experiments.config",
    "mcstudy.runs.grid": "mcstudy.experiments.grid",
    "mcstudy.runs.registry": "mcstudy.experiments.registry",
    "mcstudy.runs.store": "mcstudy.experiments.store",
    "mcstudy.runs.studies": "mcstudy.experiments.sweep_studies",
    "mcstudy.runs.summary": "mcstudy.experiments.summary",
    "mcstudy.analysis.robustness": "mcstudy.experiments.robustness",
    "mcstudy.analysis.calibration": "mcstudy.experiments.calibration",
    "mcstudy.bench": "mcstudy.experiments.bench",
    "mcstudy.verdicts": "mcstudy.claims.verdicts",
    "mcstudy.scorecard": "mcstudy.claims.scorecard",
    "mcstudy.reports": "mcstudy.report.notebooks",
    "mcstudy.site": "mcstudy.report.site",
    "mcstudy.plots": "mcstudy.report.figures",
    "mcstudy.vocab": "mcstudy._vocab",
}


class _MovedFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the old paths of :data:`MOVED` and loads each as the module at its new path."""

    def find_spec(self, fullname, path=None, target=None):  # noqa: D102 - importlib protocol
        if fullname in MOVED:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):  # noqa: D102 - importlib protocol
        new = MOVED[spec.name]
        warnings.warn(
            f"{spec.name} has moved to {new}; import it from there (the old path will be removed).",
            DeprecationWarning,
            stacklevel=2,  # the importing line: warnings skips the frames of importlib
        )
        return importlib.import_module(new)

    def exec_module(self, module):  # noqa: D102 - importlib protocol
        pass  # the module at the new path is already executed


def install() -> None:
    """Let the old paths of :data:`MOVED` be imported (once; called by ``mcstudy``)."""
    if not any(isinstance(finder, _MovedFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _MovedFinder())


def renamed(module: str, names: dict[str, str]):
    """A module-level ``__getattr__`` serving the old ``names`` (old -> new) of ``module``.

    Each old name gives the object of its new name, with a DeprecationWarning at the line that
    used it; any other missing name raises the usual AttributeError.
    """

    def __getattr__(name: str):
        if name in names:
            warnings.warn(
                f"{module}.{name} was renamed to {module}.{names[name]}; import it by its new "
                "name (the old name will be removed).",
                DeprecationWarning,
                stacklevel=2,
            )
            return getattr(sys.modules[module], names[name])
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__
