"""The studies of the notebooks: experiments on the simulator and the statistics they report.

One module per question, each called by its study notebook (the notebook holds the prose and
the verdicts, the module the logic and its tests): :mod:`~mcstudy.studies.pressure` for
contact-pressure response curves (intrusiveness, attention and permission). The registered
studies that the replicate and sweep machinery runs by name are in :mod:`mcstudy.runs.studies`.
"""

from mcstudy.studies.pressure import (
    PRESSURE_METRICS,
    ResponseCurve,
    fit_response_curve,
    pressure_response,
)

__all__ = ["PRESSURE_METRICS", "ResponseCurve", "fit_response_curve", "pressure_response"]
