"""Old import paths keep working after a module moved, with a DeprecationWarning."""

import importlib
import subprocess
import sys
import warnings

import pytest

from mcstudy._moved import MOVED


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_an_old_path_is_the_new_module_and_warns(old, new):
    olds = [name for name in MOVED if old == name or old.startswith(f"{name}.")]
    for name in olds:  # the old package of an old submodule is imported (and warns) first
        sys.modules.pop(name, None)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            module = importlib.import_module(old)
        assert module is importlib.import_module(new)
        messages = [str(w.message) for w in caught if w.category is DeprecationWarning]
        assert f"{old} has moved to {new}; import it from there" in " ".join(messages)
    finally:
        for name in olds:
            sys.modules.pop(name, None)


def test_names_moved_out_of_analysis_warn_and_are_the_same_objects():
    import mcstudy.analysis
    from mcstudy.experiments import assess_robustness

    with pytest.warns(DeprecationWarning, match="mcstudy.analysis.assess_robustness has moved"):
        assert mcstudy.analysis.assess_robustness is assess_robustness
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        mcstudy.analysis.nothing  # noqa: B018


def test_the_warning_points_at_the_importing_line():
    # shown by Python's default filters, which show DeprecationWarnings raised in __main__
    code = "import mcstudy\nfrom mcstudy.verdicts import judge_effect\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "<string>:2: DeprecationWarning: mcstudy.verdicts has moved" in out.stderr


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [
        ("mcstudy.studies.integration", "INTEGRATION_FACTORS", "INTEGRATION_FACTOR_GROUPS"),
        ("mcstudy.studies.attention", "factorial_arms", "attention_factorial_arms"),
    ],
)
def test_renamed_study_names_warn_and_are_the_same_objects(module, old, new):
    mod = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match=f"{old}.*was renamed to.*{new}"):
        assert getattr(mod, old) is getattr(mod, new)
    with pytest.raises(AttributeError):
        mod.no_such_name  # noqa: B018
