"""Exact solving with HiGHS (:mod:`.highs`: MILP and LP models, warm starts,
a quiet solver) and the child process that runs uninterruptible work until
the deadline kills it (:mod:`.child`)."""
