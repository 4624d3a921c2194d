"""What the two profile studies share: the channels their policies mix and each arm's pressure.

:mod:`~mcstudy.studies.profiles` (uniform, segment and individual policies) and
:mod:`~mcstudy.studies.affinity_gap` (the same policies, and ``pooled``, as the profiles'
affinities move apart) mix the same outbound channels and read the same run parameters.
"""

from __future__ import annotations

from mcstudy._validation import check_int, check_number

__all__ = ["OUTBOUND"]

#: The outbound channels the policies mix.
OUTBOUND = ("email", "sms", "postal_mail", "telephone")


def _pop_run_parameters(params: dict, policies) -> tuple[int, int, dict]:
    """Pop ``n_customers``, ``n_weeks`` and the arms' pressures (checked) from ``params``.

    Every arm's pressure is ``pressure_<policy>_<profile>`` if given, else ``pressure``.
    """
    n = check_int(params.pop("n_customers", 5000), "n_customers", 100, 1_000_000)
    n_weeks = check_int(params.pop("n_weeks", 52), "n_weeks", 4, 520)
    pressure = check_number(params.pop("pressure", 1.0), "pressure", 0.0, 50.0)
    pressures = {
        (policy, profile): check_number(
            params.pop(f"pressure_{policy}_{profile}", pressure),
            f"pressure_{policy}_{profile}",
            0.0,
            50.0,
        )
        for profile in ("social", "autonomous")
        for policy in policies
    }
    return n, n_weeks, pressures
