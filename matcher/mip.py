"""One 0/1 program, several solvers: what the cycle-packing formulations hand to a MIP solver.

:func:`solve_binary` maximises ``c · x`` over ``x ∈ {0, 1}^n`` with ``lower ≤ A x ≤ upper`` and
always returns what the solver reached: the incumbent (or none), the proven upper bound and
whether the optimum is proven. A time limit is an answer, not an error.

Solvers (:data:`SOLVERS`), measured on the cycle-packing fixtures in ``docs/benchmarks.md``:

- ``"highs"``: HiGHS through ``scipy.optimize.milp`` (no extra dependency).
- ``"cbc"``, ``"scip"``: COIN-OR CBC and SCIP through OR-Tools' ``pywraplp`` (OR-Tools is
  already a dependency, for the allocation's min-cost flow); the model is built row by row in
  Python, which costs minutes on models of hundreds of thousands of variables.
- ``"cp_sat"``: OR-Tools' CP-SAT through the same interface (measured slower here).
- ``"auto"`` (the default): CBC up to :data:`AUTO_CBC_MAX_VARIABLES` variables, else HiGHS.

>>> import numpy as np, scipy.sparse as sp
>>> A = sp.csr_array(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]))
>>> out = solve_binary(np.array([1.0, 1.5, 1.0]), A, np.full(2, -np.inf), np.ones(2))
>>> out.x.tolist(), out.objective, out.optimal
([1.0, 0.0, 1.0], 2.0, True)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from matcher.arraytypes import FloatArray

__all__ = ["AUTO_CBC_MAX_VARIABLES", "MIP_REL_GAP", "SOLVERS", "MipOutcome", "solve_binary"]

#: Relative gap at which a solver may call its incumbent optimal.
MIP_REL_GAP = 1e-6

#: Solver names :func:`solve_binary` accepts.
SOLVERS: tuple[str, ...] = ("auto", "highs", "cbc", "scip", "cp_sat")

#: ``"auto"`` takes CBC up to this many variables, HiGHS above. Measured on the PIEF models
#: of ``docs/benchmarks.md``: CBC proves random weighted graphs of 100 nodes at L = 4 (4,531
#: variables) in 12 s and of 200 at L = 3 (5,761) in 8 s, against HiGHS's 20 s and 42 s; but
#: OR-Tools builds its model in Python, row by row, which took over 400 s for the 540,000
#: variables of the 300-pair kidney pool at L = 4, where HiGHS takes the arrays whole.
AUTO_CBC_MAX_VARIABLES = 50_000


@dataclass(frozen=True)
class MipOutcome:
    """What a solver reached.

    ``x`` is the incumbent rounded to 0/1 (all zeros when the solver found none: zero is
    feasible for every program this module is given); ``bound`` the proven upper bound on
    the objective (``inf`` when the solver proved none); ``optimal`` whether the optimum is
    proven within :data:`MIP_REL_GAP`.
    """

    x: FloatArray
    objective: float
    bound: float
    optimal: bool
    status: str
    seconds: float
    solver: str = "highs"


def solve_binary(
    c: FloatArray,
    a: sp.csr_array,
    lower: FloatArray,
    upper: FloatArray,
    *,
    time_limit: float | None = None,
    solver: str = "auto",
) -> MipOutcome:
    """Maximise ``c · x``, ``x`` binary, ``lower ≤ a x ≤ upper``.

    Parameters
    ----------
    c, a, lower, upper
        Objective, constraint matrix (rows × len(c)) and row bounds (``±inf`` for none).
    time_limit
        Seconds; ``None`` for none.
    solver
        One of :data:`SOLVERS`.
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown MIP solver {solver!r}; choose one of {', '.join(SOLVERS)}")
    if time_limit is not None and not time_limit > 0:
        raise ValueError(f"time_limit must be positive seconds, not {time_limit!r}")
    started = time.perf_counter()
    if solver == "auto":
        solver = "cbc" if len(c) <= AUTO_CBC_MAX_VARIABLES else "highs"
    if solver == "highs":
        x, bound, optimal, status = _highs(c, a, lower, upper, time_limit)
    else:
        x, bound, optimal, status = _ortools(c, a, lower, upper, time_limit, solver)
    objective = float(c @ x)
    if optimal:
        bound = max(min(bound, objective * (1 + MIP_REL_GAP) + 1e-9), objective)
    return MipOutcome(
        x, objective, max(bound, objective), optimal, status, time.perf_counter() - started, solver
    )


def _highs(
    c: FloatArray, a: sp.csr_array, lower: FloatArray, upper: FloatArray, limit: float | None
) -> tuple[FloatArray, float, bool, str]:
    options: dict[str, Any] = {"mip_rel_gap": MIP_REL_GAP, "disp": False}
    if limit is not None:
        options["time_limit"] = float(limit)
    res = milp(
        c=-c,
        constraints=LinearConstraint(a, lower, upper),
        integrality=np.ones(len(c)),
        bounds=Bounds(0, 1),
        options=options,
    )
    x = np.zeros(len(c)) if res.x is None else np.round(res.x)
    dual = getattr(res, "mip_dual_bound", None)
    bound = math.inf if dual is None or not math.isfinite(dual) else -float(dual)
    return x, bound, res.status == 0, str(res.message)


def _ortools(
    c: FloatArray,
    a: sp.csr_array,
    lower: FloatArray,
    upper: FloatArray,
    limit: float | None,
    name: str,
) -> tuple[FloatArray, float, bool, str]:
    from ortools.linear_solver import pywraplp

    model = pywraplp.Solver.CreateSolver(name.upper())
    if model is None:  # pragma: no cover - OR-Tools wheels ship both
        raise RuntimeError(f"OR-Tools has no {name} solver in this build")
    xs = [model.BoolVar(f"x{j}") for j in range(len(c))]
    csr = sp.csr_array(a)
    inf = model.infinity()
    for i in range(csr.shape[0]):
        row = model.RowConstraint(
            -inf if np.isneginf(lower[i]) else float(lower[i]),
            inf if np.isposinf(upper[i]) else float(upper[i]),
        )
        for j, v in zip(
            csr.indices[csr.indptr[i] : csr.indptr[i + 1]].tolist(),
            csr.data[csr.indptr[i] : csr.indptr[i + 1]].tolist(),
            strict=True,
        ):
            row.SetCoefficient(xs[j], v)
    objective = model.Objective()
    for j, v in enumerate(c.tolist()):
        objective.SetCoefficient(xs[j], v)
    objective.SetMaximization()
    model.SetSolverSpecificParametersAsString("")
    if limit is not None:
        model.SetTimeLimit(int(math.ceil(limit * 1000)))
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, MIP_REL_GAP)
    status = model.Solve(params)
    found = status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
    x = (
        np.array([round(v.solution_value()) for v in xs], dtype=float)
        if found
        else np.zeros(len(c))
    )
    bound = float(objective.BestBound())
    if not math.isfinite(bound):
        bound = math.inf
    names = {pywraplp.Solver.OPTIMAL: "optimal", pywraplp.Solver.FEASIBLE: "time limit"}
    return x, bound, status == pywraplp.Solver.OPTIMAL, names.get(status, f"status {status}")
