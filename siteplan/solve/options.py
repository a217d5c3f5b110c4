"""Tunables of the solver in one frozen options object.

Every number that decides how :func:`siteplan.solve.set_cover` and
:func:`siteplan.solve.max_cover` share their time between stages lives here,
so tests and benchmarks pass ``options=SolveOptions(...)`` instead of
overwriting module constants.

Deterministic mode
------------------
With ``deterministic=True`` every stage stops on counted work (subgradient
iterations, local-search moves and steps), not on the clock, and no
result-affecting search races another: a second local search beside the
main one runs to its own work budget and is always waited for, and HiGHS
(single-threaded, seeded: deterministic when it finishes) is used only when
it finishes, i.e. proves its optimum; a cover HiGHS had when its time ran out
is dropped. So the returned cover is a function of the inputs and the seed
only. The budgets are sized from the time limit (``work_per_s`` work units
per second, about half of what a quiet 2020s core does) or given as
``work_limit``, so a machine up to about twice as slow as assumed finishes
the same work within the limit. The wall clock still stops every call at
the limit plus ``overrun_s(limit)`` (max(``min_overrun_s``,
``overrun_share`` × limit): 0.8 s or 8 %, inside the max(1 s, 10 %) that
every call keeps); HiGHS, when it cannot prove its optimum, runs until that
stop. If the stop comes before the work is done (a machine much busier than
assumed), or HiGHS proves its optimum in time on one machine and not on
another, the result can depend on timing: ``details["deterministic_cut"]``
then names the stages that were cut, and the planner's report says a re-run
may differ.

Examples
--------
>>> SolveOptions().deterministic
False
>>> SolveOptions(deterministic=True).work_budget(2.0) > 0
True
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from siteplan.errors import SolverError
from siteplan.messages import Msg


@dataclass(frozen=True)
class SolveOptions:
    """How ``set_cover``/``max_cover`` spend their time (all have defaults).

    Attributes
    ----------
    deterministic : bool
        Stop on counted work, never on thread timing (see the module notes).
    work_per_s : float
        Nonzero visits per second the deterministic budgets assume.
    work_limit : float
        Deterministic mode: the work budget (nonzero visits) itself; 0 sizes
        it from the time limit (``work_per_s`` × limit). With a budget given
        the result is the same under any time limit long enough for it.
    min_overrun_s, overrun_share : float
        Deterministic mode: the clock stops a call at the limit plus
        max(``min_overrun_s``, ``overrun_share`` × limit), the time a busy
        machine gets to finish the counted work (see :meth:`overrun_s`);
        without ``deterministic`` the limit is kept strictly.
    single_cover_share : float
        Capacity and multicover problems whose single-cover relaxation's
        greedy cover meets every capacity row and cover requirement: share
        of the limit for ``auto`` on that relaxation first (its optimum is
        the answer when it meets them too; its bound holds either way).
    default_time_limit_s : float
        Limit of ``method="auto"`` when the call gives none.
    wrap_up_share : float
        Share of the limit kept free at the end (pruning, the result).
    tail_per_input : float
        Seconds kept before the promise (the limit plus max(1 s, 10 %)) for
        the tail of a call cut by the clock (the cover completed in one
        pass, its pruning, the result), per second the input took to check
        and convert: those are passes over the same matrix on the same
        machine, so a slow input (a loaded machine) means a slow tail
        (:meth:`siteplan.solve.clock.Clock.keep_for_tail`).
    max_cover_tail_per_input : float
        The same for ``max_cover``, whose tail is lighter (the count filled
        from the last known gains, no pass over every row).
    child_convert_nnz : int
        CSR inputs with at least this many nonzeros (and a time limit) are
        converted to CSC in a child process killed at the deadline, while
        this one computes the cover of each row's cheapest column from the
        CSR (:mod:`siteplan.solve.paths.late`); 0: always in this process.
    late_cover_per_check : float
        The cover of each row's cheapest column is made beside the
        conversion's child once the time left before the soft deadline is
        down to this many times what the input's checks took.
    split_passes : float
        A grouped or capacity problem is split into pieces only when this
        many times the input's time is left before the soft deadline (the
        split ignores the clock: about 2 s at 30 M nonzeros, 4 inputs, and
        building a piece as much again).
    kill_grace_s : float
        Seconds past the limit after which a child process (HiGHS, a second
        local search) is killed; 0: at the limit (they stop by themselves at
        the wrap-up point before it).
    reduce_share, reduce_nnz_limit, reduce_s_per_nnz : float, int, float
        Row reduction: its share of the limit, the largest matrix it tries,
        and its cost estimate (skipped when over half the limit).
    merge_s_per_nnz : float
        ``max_cover``: cost estimate of merging identical rows (about 9e-8 s
        per nonzero on a quiet core, doubled for a loaded one); skipped when
        over ``reduce_share`` of the limit.
    lp_nnz_limit, lp_share : int, float
        Largest matrix whose LP relaxation gives the bound, and its share.
    lp_s_per_nnz : float
        Seconds per nonzero the LP's share must hold for it to run in this
        process (HiGHS's model set-up and crash ignore its time limit: 0.6 s
        at 1.7 M nonzeros on a quiet core); otherwise the subgradient.
    lagrange_share : float
        Share of the time left for the subgradient bound when the LP is too big.
    dual_ascent_nnz : int
        Full covers with at least this many nonzeros get the smoothed dual
        ascent (:mod:`siteplan.solve.bounds.dualascent`) instead of the subgradient
        when the LP is not solved.
    regional_nnz_limit : int
        Full covers with more nonzeros than this are improved region by
        region (:mod:`siteplan.solve.search.blocklocal`) instead of on a core.
    compile_s : float
        Seconds that must be left for the compiled stages (dual ascent,
        regional search) when their numba kernels are not loaded in the
        process yet (a first compilation takes 2-20 s); otherwise the
        subgradient and the core search run.
    exact_nnz_limit : int
        Largest matrix on which HiGHS runs on the whole MILP (in a child
        process) beside the local search; it proves most planner problems.
    inprocess_nnz_limit : int
        Largest shrunk MILP HiGHS solves in this process instead of a child
        (its phases that ignore the clock take milliseconds at that size).
    core_nnz_limit : int
        Largest core handed to HiGHS when the whole MILP is too big.
    highs_s_per_nnz : float
        Seconds per core nonzero HiGHS needs left before it is started.
    highs_gap_limit : float
        LP gap above which a full cover gets a second local search on the
        second core instead of HiGHS.
    local_core_per_row : int
        Columns per row in the local-search core.
    row_weighting_nnz_limit : int
        Largest core the row-weighting search runs on.
    probe_s, probe_share : float
        How long the local search waits for HiGHS before starting beside it.
    min_phase_s, min_highs_s, min_fork_s : float
        Least time left worth a phase, a HiGHS call, a forked local search.
    swap_share_before_highs, max_bound_share : float
        ``max_cover``: the swap search's and the upper bound's shares.
    eager_cols_limit : int
        Greedy: most columns for the eager (all gains current) variant.
    bitset_words_per_row, bitset_words : int
        Row reduction: rows test containment on bit-packed column sets (one
        AND per 64 columns) instead of one sorted search per entry when there
        are at most this many 64-bit words per row and in all (128 MB):
        1.7-3x faster from county instances (7-63 words) to 50,000 × 15,000
        (235 words); at 625 words the sorted search is faster.
    dense_cells : int
        Iterated greedy: largest core kept as a dense matrix.
    split_min_nnz : int
        Smallest problem (nonzeros) tried in independent pieces
        (:mod:`siteplan.solve.paths.pieces`); smaller ones are solved whole.
    small_piece_nnz : int
        Largest piece (nonzeros of its coverage rows) proven by HiGHS in a
        child; larger ones get ``auto`` with a share of the time.
    piece_nodes_per_s : float
        Deterministic mode: HiGHS branch-and-bound nodes per second of a
        piece's share.
    big_piece_lagrange_share : float
        Share of a large piece's work for the subgradient when its LP runs
        beside.
    piece_share_stretch : float
        Most a piece may stretch its share (by size) of the time its worker
        has left.
    piece_batch_nnz : int
        Most nonzeros of small pieces joined into one HiGHS model (0: none;
        HiGHS proves separate models much sooner than one block-diagonal one).
    min_pieces : int
        Fewest pieces worth splitting for.
    split_share : float
        Deterministic mode: share of the limit kept for splitting and combining.
    combine_share : float
        Share of the time kept at the end of a split for the fallbacks and the sum.
    threaded_nnz : int
        Smallest matrix whose bound steps (subgradient, dual ascent, max
        cover's bound) run on two threads.
    rows_per_region : int
        Regional search: rows per region.
    min_region_s : float
        Regional search: least time slice of a region.
    swap_patience_columns : int
        ``max_cover``'s swap search: columns looked at without an improving
        exchange before it stops.
    max_cover_presolve_min_s : float
        Shortest limit at which ``max_cover``'s MILP keeps HiGHS's presolve.
    general_exact_nnz_limit : int
        Multicover and capacity problems: largest MILP (nonzeros of the
        coverage and capacity rows) HiGHS runs on beside the bound.
    dominance_work_per_nnz : float
        Row reduction: most (row, column) membership tests spent looking for
        dominated rows, as a multiple of the matrix's nonzeros.
    bitset_step_words, reduce_chunk_tests : int
        Row reduction: words packed and tested, and membership tests, per
        vectorised step (they bound the memory used).
    step_start, step_patience, step_progress : float, int, float
        Subgradient steps (set cover's bound and max cover's): the Polyak
        factor at the start (Held and Karp's 2), the iterations without a
        better bound before it halves, the relative improvement that counts.
    heuristic_share : float
        Most of the subgradient's time spent in Lagrangian heuristics.
    mu_start, mu_decay, mu_every, mu_floor : float, float, int, float
        Smoothed dual ascent: first temperature (share of the mean positive
        column cost), its factor every ``mu_every`` sweeps, and the share of
        the mean cost below which it stops shrinking.
    stall_sweeps, stall_progress : int, float
        Smoothed dual ascent: sweeps in a row raising the bound by less than
        ``stall_progress`` (relative) after which it has converged.
    core_s_per_nnz : float
        ``auto``: seconds per nonzero that building the local-search core
        and starting what runs beside it take (about 3 s at 30 M nonzeros
        on a quiet core); with less time left the search is skipped (not in
        deterministic mode, which decides from counted work).
    shrink_pairs_per_step : int
        Shrinking before HiGHS: (column, candidate dominator) pairs tested
        per vectorised step (bounds the memory).
    dominance_kernel_queries : float
        Shrinking before HiGHS: row look-ups of the vectorised dominated-column
        test above which the compiled one runs even when numba is not loaded
        yet (at 20-50 ns a look-up, 20 M take about the second importing
        numba costs).
    clock_every_steps : int
        Row-weighting search: steps between two looks at the clock.
    move_work, move_work_per_nnz, step_work, step_work_per_pair : float
        Deterministic mode: work units counted per iterated-greedy move (a
        fixed part plus one per nonzero of the core) and per row-weighting
        step (a fixed part plus one per column length × row length); at
        ``work_per_s`` units a second about twice the time they took on
        OR-Library, uniform and county cores (2-12 ms a move, 0.07-0.5 ms a
        step on this VM). Changing them changes deterministic results.
    general_bound_share : float
        Multicover and capacity problems: share of the time left for the
        Lagrangian/knapsack bound when the LP is not solved.
    """

    deterministic: bool = False
    work_per_s: float = 2.5e7
    work_limit: float = 0.0
    min_overrun_s: float = 0.8
    overrun_share: float = 0.08
    single_cover_share: float = 0.9
    default_time_limit_s: float = 10.0
    wrap_up_share: float = 0.02
    tail_per_input: float = 1.0
    max_cover_tail_per_input: float = 0.3
    child_convert_nnz: int = 5_000_000
    late_cover_per_check: float = 8.0
    split_passes: float = 12.0
    kill_grace_s: float = 0.0
    reduce_share: float = 0.25
    reduce_nnz_limit: int = 10_000_000
    reduce_s_per_nnz: float = 5e-7
    merge_s_per_nnz: float = 1.5e-7
    lp_nnz_limit: int = 2_000_000
    lp_share: float = 0.3
    lp_s_per_nnz: float = 2e-7
    lagrange_share: float = 0.5
    dual_ascent_nnz: int = 0
    regional_nnz_limit: int = 2_000_000
    compile_s: float = 20.0
    exact_nnz_limit: int = 400_000
    inprocess_nnz_limit: int = 3_000
    core_nnz_limit: int = 3_000_000
    highs_s_per_nnz: float = 1e-6
    highs_gap_limit: float = 0.15
    local_core_per_row: int = 20
    row_weighting_nnz_limit: int = 2_000_000
    probe_s: float = 0.25
    probe_share: float = 0.05
    min_phase_s: float = 0.005
    min_highs_s: float = 0.01
    min_fork_s: float = 0.5
    swap_share_before_highs: float = 0.3
    max_bound_share: float = 0.2
    eager_cols_limit: int = 20_000
    bitset_words_per_row: int = 256
    dense_cells: int = 4_000_000
    split_min_nnz: int = 20_000
    small_piece_nnz: int = 60_000
    piece_nodes_per_s: float = 400.0
    big_piece_lagrange_share: float = 0.15
    piece_share_stretch: float = 3.0
    piece_batch_nnz: int = 0
    min_pieces: int = 2
    split_share: float = 0.1
    combine_share: float = 0.05
    threaded_nnz: int = 1_000_000
    rows_per_region: int = 10_000
    min_region_s: float = 0.05
    swap_patience_columns: int = 200
    max_cover_presolve_min_s: float = 30.0
    general_exact_nnz_limit: int = 1_600_000
    general_bound_share: float = 0.3
    dominance_work_per_nnz: float = 50.0
    bitset_words: int = 16_000_000
    bitset_step_words: int = 2_000_000
    reduce_chunk_tests: int = 4_000_000
    step_start: float = 2.0
    step_patience: int = 20
    step_progress: float = 1e-4
    heuristic_share: float = 0.2
    mu_start: float = 0.05
    mu_decay: float = 0.8
    mu_every: int = 2
    mu_floor: float = 1e-7
    stall_sweeps: int = 6
    stall_progress: float = 1e-6
    shrink_pairs_per_step: int = 2_000_000
    dominance_kernel_queries: float = 2e7
    core_s_per_nnz: float = 1e-7
    clock_every_steps: int = 32
    move_work: float = 250_000.0
    move_work_per_nnz: float = 8.0
    step_work: float = 2_000.0
    step_work_per_pair: float = 8.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "deterministic":
                if not isinstance(value, bool):
                    raise SolverError(Msg("solve.options.solveoptions_deterministic_true", value=repr(value)))
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not (
                    value >= 0 and value < float("inf")):
                raise SolverError(Msg("solve.options.solveoptions_finite_non", f=f.name, value=repr(value)))
            if f.name.endswith("_share") and value > 1:
                raise SolverError(Msg("solve.options.solveoptions_share_number", f=f.name, value=repr(value)))

    def work_budget(self, limit_s: float | None) -> float:
        """Nonzero visits a deterministic run may make: ``work_limit``, or
        ``work_per_s`` times the limit (seconds; None: no limit)."""
        if self.work_limit > 0:
            return self.work_limit
        return self.work_per_s * (1e9 if limit_s is None else limit_s)

    def overrun_s(self, limit_s: float) -> float:
        """Seconds past ``limit_s`` a deterministic call may run before the
        clock stops it (0 when not deterministic).

        Examples
        --------
        >>> SolveOptions(deterministic=True).overrun_s(5.0)
        0.8
        >>> round(SolveOptions(deterministic=True).overrun_s(100.0), 6)
        8.0
        >>> SolveOptions().overrun_s(5.0)
        0.0
        """
        if not self.deterministic:
            return 0.0
        return max(self.min_overrun_s, self.overrun_share * limit_s)

    def nominal_s(self, limit_s: float | None) -> float:
        """The seconds the work budget stands for (node budgets scale with it)."""
        return self.work_budget(limit_s) / self.work_per_s

    def with_(self, **changes: object) -> SolveOptions:
        """A copy with ``changes`` applied (``dataclasses.replace``)."""
        return replace(self, **changes)


def resolve(options: SolveOptions | None, deterministic: bool | None = None) -> SolveOptions:
    """``options`` (default ones when None) with ``deterministic`` applied
    when given; a clear error for anything that is not a SolveOptions."""
    if options is None:
        options = SolveOptions()
    elif not isinstance(options, SolveOptions):
        raise SolverError(Msg("solve.options.options_siteplan_solve", name=type(options).__name__))
    if deterministic is not None and deterministic != options.deterministic:
        options = replace(options, deterministic=bool(deterministic))
    return options


#: the defaults, for the stages called without an options object
DEFAULTS = SolveOptions()

__all__ = ["DEFAULTS", "SolveOptions", "resolve"]
